import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function capture() {
  let text = '';
  const destination = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { destination, text: () => text };
}

describe('createLogger', () => {
  it('writes one JSON line per record with the service and a level label', () => {
    const out = capture();
    createLogger({ service: 'orders', level: 'info', destination: out.destination }).info({ orderId: 'o-1' }, 'placed');
    const line = JSON.parse(out.text().trim());
    expect(line).toMatchObject({ service: 'orders', level: 'info', orderId: 'o-1', msg: 'placed' });
  });

  it('writes human-readable lines, without colour codes into a stream, when asked to be pretty', () => {
    const out = capture();
    const logger = createLogger({ service: 'orders', level: 'info', destination: out.destination, pretty: true });
    logger.warn({ orderId: 'o-1' }, 'stock low');
    const text = out.text();
    expect(text).toMatch(/\[\d\d:\d\d:\d\d\.\d{3}\] WARN.*: stock low/);
    expect(text).toContain('orderId: "o-1"');
    expect(text).not.toContain('\u001b[');
    expect(() => JSON.parse(text)).toThrow();
  });
});
