import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { createReadiness } from './readiness.js';
import { createShutdown } from './shutdown.js';

const logger = createLogger({ service: 'test', level: 'silent' });

describe('createShutdown', () => {
  it('turns readiness 503 first, waits the drain delay, runs the steps once, then exits 0', async () => {
    const readiness = createReadiness();
    const exits: number[] = [];
    const events: string[] = [];
    const shutdown = createShutdown({
      logger,
      readiness,
      timeoutMs: 5_000,
      drainDelayMs: 100,
      exit: (code) => exits.push(code),
      steps: async () => {
        events.push(`steps after ${readiness.isDraining ? 'drain' : 'nothing'}`);
        return true;
      },
    });
    const first = shutdown.run('test');
    expect(readiness.isDraining).toBe(true);
    expect(shutdown.isRunning).toBe(true);
    await Promise.all([first, shutdown.run('again')]);
    expect(events).toEqual(['steps after drain']);
    expect(exits).toEqual([0]);
  });

  it('runs no step before the drain delay is over, and counts the delay against the deadline', async () => {
    const exits: number[] = [];
    let ran = false;
    const done = createShutdown({
      logger,
      readiness: createReadiness(),
      timeoutMs: 50,
      drainDelayMs: 300,
      exit: (code) => exits.push(code),
      steps: async () => {
        ran = true;
        return true;
      },
    }).run('test');
    await expect.poll(() => exits).toEqual([1]);
    expect(ran).toBe(false);
    await done;
  });

  it('exits 1 when a step failed, or when the shutdown was itself a failure', async () => {
    const exits: number[] = [];
    const exit = (code: number) => exits.push(code);
    await createShutdown({
      logger,
      readiness: createReadiness(),
      timeoutMs: 1_000,
      exit,
      steps: async () => false,
    }).run('a');
    await createShutdown({ logger, readiness: createReadiness(), timeoutMs: 1_000, exit, steps: async () => true }).run(
      'listen failed',
      { failure: true },
    );
    expect(exits).toEqual([1, 1]);
  });

  it('forces exit 1 when closing outlasts the deadline', async () => {
    const exits: number[] = [];
    let finish: (clean: boolean) => void = () => {};
    const done = createShutdown({
      logger,
      readiness: createReadiness(),
      timeoutMs: 50,
      exit: (code) => exits.push(code),
      steps: () =>
        new Promise<boolean>((resolve) => {
          finish = resolve;
        }),
    }).run('test');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(exits).toEqual([1]);
    finish(true);
    await done;
  });

  it('shuts down when the supervisor that started it over an IPC channel goes away', async () => {
    const here = (file: string) => JSON.stringify(fileURLToPath(new URL(file, import.meta.url)));
    const dir = mkdtempSync(join(tmpdir(), 'shutdown-'));
    const script = join(dir, 'service.mts');
    writeFileSync(
      script,
      `import { createShutdown } from ${here('./shutdown.ts')};
      import { createLogger } from ${here('./logger.ts')};
      import { createReadiness } from ${here('./readiness.ts')};
      const logger = createLogger({ service: 'test', level: 'info' });
      const server = setInterval(() => {}, 1_000); // a listening server would keep the process alive
      const steps = async () => { clearInterval(server); return true; };
      createShutdown({ logger, readiness: createReadiness(), timeoutMs: 5_000, steps }).handleSignals();
      process.send?.('started');`,
    );
    try {
      const child = fork(script, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
      let output = '';
      child.stdout?.on('data', (chunk) => {
        output += chunk;
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      await new Promise((resolve) => child.once('message', resolve));
      // what a supervisor killed with SIGKILL leaves behind: the channel closes
      child.disconnect();
      expect(await exited).toBe(0);
      expect(output).toMatch(/"reason":"supervisor gone"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
