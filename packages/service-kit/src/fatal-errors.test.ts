// Against a real child process: what happens to a service's process is exactly what is under test.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** Runs a script that installs the handlers and then fails as `failure` says; resolves with its exit and output. */
function runFailing(failure: string): Promise<{ code: number | null; lines: Record<string, unknown>[] }> {
  const script = `
    import { createLogger } from ${JSON.stringify(here('./logger.ts'))};
    import { exitOnFatalErrors } from ${JSON.stringify(here('./fatal-errors.ts'))};
    exitOnFatalErrors(createLogger({ service: 'test', level: 'info' }));
    setInterval(() => {}, 1_000); // a server would keep the process alive
    ${failure}
  `;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '--eval', script],
      { timeout: 30_000 },
      (error, stdout) => {
        const code = error ? ((error as { code?: number }).code ?? null) : 0;
        const lines = stdout
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as Record<string, unknown>);
        resolve({ code, lines });
      },
    );
  });
}

describe('exitOnFatalErrors', () => {
  it('logs an uncaught exception at fatal level and exits with status 1', async () => {
    const { code, lines } = await runFailing("setTimeout(() => { throw new Error('boom in a callback'); }, 10);");
    expect(code).toBe(1);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'fatal',
        msg: 'uncaught exception: exiting',
        err: expect.objectContaining({ message: 'boom in a callback' }),
      }),
    );
  });

  it('logs an unhandled rejection at fatal level and exits with status 1', async () => {
    const { code, lines } = await runFailing("Promise.reject(new Error('nobody awaited me'));");
    expect(code).toBe(1);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'fatal',
        msg: 'unhandled promise rejection: exiting',
        err: expect.objectContaining({ message: 'nobody awaited me' }),
      }),
    );
  });
});
