// The protos stay buf STANDARD lint clean and buf-formatted, the same checks as `npm run lint`.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
// the launcher script of the npm package, wherever npm hoisted it
const buf = createRequire(import.meta.url).resolve('@bufbuild/buf/bin/buf');

function runBuf(...args: string[]) {
  return spawnSync(buf, args, { cwd: packageDir, encoding: 'utf8' });
}

describe('protos', () => {
  it('pass buf lint (STANDARD)', () => {
    const result = runBuf('lint');
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('are formatted as buf format writes them', () => {
    const result = runBuf('format', '--diff', '--exit-code');
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });
});
