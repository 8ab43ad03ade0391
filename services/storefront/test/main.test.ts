// The built entry point as a process, as `npm start`, compose and Kubernetes run it: a bad config stops it naming
// the variable; a good one serves, and SIGTERM drains it to a clean exit.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { openTestDatabase, type TestDatabase } from '@platform/test-databases';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
// loading the service's modules takes seconds on a busy machine, before the config is even read
const STARTUP_MS = 30_000;

/** Only what the test sets, so a developer's shell (DATABASE_URL, PORT...) cannot change the outcome. */
function run(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  return { child, output: () => output };
}

describe('node dist/main.js', () => {
  it(
    'exits 1 naming every bad variable',
    async () => {
      const { child, output } = run({ GATEWAY_URL: 'gateway', SESSION_COOKIE_SECURE: 'maybe' });
      const [code] = await once(child, 'exit');
      expect(code).toBe(1);
      for (const name of ['DATABASE_URL is required', 'GATEWAY_URL', 'SESSION_COOKIE_SECURE']) {
        expect(output()).toContain(name);
      }
    },
    STARTUP_MS,
  );

  describe('with a database', () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await openTestDatabase('embedded');
    }, 120_000);
    afterAll(async () => {
      await database?.close();
    });

    it(
      'serves its pages and ops routes, then stops cleanly on SIGTERM',
      async () => {
        const { child, output } = run({
          DATABASE_URL: database.url,
          HOST: '127.0.0.1',
          PORT: '0',
          GATEWAY_URL: 'http://127.0.0.1:9', // nothing there: not ready, but alive and serving
          OTEL_SDK_DISABLED: 'true',
        });
        await expect
          .poll(() => /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output())?.[1], { timeout: 20_000 })
          .toBeTruthy();
        const url = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output())![1];
        expect((await fetch(`${url}/healthz`)).status).toBe(200);
        const ready = await fetch(`${url}/readyz`);
        expect(ready.status).toBe(503);
        expect(((await ready.json()) as { checks: unknown }).checks).toMatchObject({ database: 'ok' });
        const home = await fetch(`${url}/`);
        expect(home.status).toBe(503);
        expect(await home.text()).toContain('Part of the shop is not available right now');

        child.kill('SIGTERM');
        const [code] = await once(child, 'exit');
        expect(code).toBe(0);
        expect(output()).toContain('shutdown complete');
      },
      STARTUP_MS + 20_000,
    );
  });
});
