import { describe, expect, it } from 'vitest';
import { prettyLogLines } from './pretty-log-lines.js';

describe('prettyLogLines', () => {
  const pretty = prettyLogLines(false);

  it('turns a JSON log record into one readable line, without the service the prefix already names', () => {
    const line = pretty(
      '{"level":"info","time":"2026-11-26T02:30:00.000Z","service":"orders","requestId":"r-1","msg":"request completed"}',
    );
    expect(line).toMatch(/^\[\d\d:\d\d:\d\d\.000\] INFO: request completed/);
    expect(line).toContain('"requestId":"r-1"');
    expect(line).not.toContain('orders');
    expect(line).not.toContain('\n');
  });

  it('leaves a line that is not JSON as it is', () => {
    expect(pretty('listening on 8080')).toBe('listening on 8080');
    expect(pretty('{not json')).toBe('{not json');
  });
});
