// The skeleton as a real process (test/fixtures/skeleton-service.mjs, a main.ts like every service's): what it
// logs and how it exits when its config is bad, when building fails, when its port is taken, and on SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('./fixtures/skeleton-service.mjs', import.meta.url));

interface Started {
  child: ChildProcess;
  exited: Promise<number | null>;
  lines: () => Record<string, unknown>[];
  stderr: () => string;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function start(env: Record<string, string>): Started {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', OTEL_SDK_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  // 'close', not 'exit': the child's last lines may still be in the pipe when it exits
  const exited = once(child, 'close').then(([code]) => code as number | null);
  const lines = () =>
    stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { child, exited, lines, stderr: () => stderr };
}

const messages = (started: Started) => started.lines().map((line) => line.msg);

async function listening(started: Started): Promise<Record<string, unknown>> {
  await expect
    .poll(() => started.lines().find((line) => line.msg === 'skeleton listening'), { timeout: 20_000 })
    .toBeDefined();
  return started.lines().find((line) => line.msg === 'skeleton listening')!;
}

describe('runService', () => {
  it('exits 1 before starting anything when the config is bad, naming the variable', async () => {
    const started = start({ FAIL: 'sometimes' });
    expect(await started.exited).toBe(1);
    expect(started.stderr()).toMatch(/^skeleton: invalid configuration: FAIL must be one of/);
  });

  it('logs a failed build at fatal level, flushed, and exits 1', async () => {
    const started = start({ FAIL: 'build' });
    expect(await started.exited).toBe(1);
    const fatal = started.lines().find((line) => line.level === 'fatal');
    expect(fatal).toMatchObject({ msg: 'skeleton failed to start', service: 'skeleton' });
    expect(JSON.stringify(fatal?.err)).toContain('the database refused the migration');
  });

  it('logs a port it cannot listen on, closes what it opened, and exits 1', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    try {
      const { port } = taken.address() as { port: number };
      const started = start({ PORT: String(port) });
      expect(await started.exited).toBe(1);
      expect(started.lines().find((line) => line.level === 'fatal')?.msg).toBe('skeleton could not listen');
      expect(messages(started)).toEqual(expect.arrayContaining(['pool closed', 'shutdown complete']));
    } finally {
      taken.close();
    }
  });

  it('listens, says its shutdown order, and on SIGTERM closes in that order and exits 0', async () => {
    const started = start({});
    const line = await listening(started);
    expect(line.http).toEqual(expect.any(Number));
    expect(line.shutdownOrder).toEqual(['http', 'pool', 'telemetry']);
    expect((await fetch(`http://127.0.0.1:${line.http}/readyz`)).status).toBe(200);

    started.child.kill('SIGTERM');
    expect(await started.exited).toBe(0);
    const said = messages(started);
    expect(said.indexOf('shutting down')).toBeLessThan(said.indexOf('pool closed'));
    expect(said.indexOf('pool closed')).toBeLessThan(said.indexOf('shutdown complete'));
  });

  it('answers a request in flight during the drain delay, then exits', async () => {
    const started = start({ SHUTDOWN_DRAIN_DELAY_MS: '60000', SHUTDOWN_TIMEOUT_MS: '120000' });
    const base = `http://127.0.0.1:${(await listening(started)).http}`;
    const slow = fetch(`${base}/slow`);
    await expect.poll(() => messages(started)).toContain('slow request entered');
    started.child.kill('SIGTERM');
    await expect.poll(() => fetch(`${base}/readyz`).then((response) => response.status)).toBe(503);
    expect((await fetch(`${base}/release`, { method: 'POST' })).status).toBe(200);
    expect((await slow).status).toBe(200);
    started.child.kill('SIGTERM'); // a second signal ends the drain delay early, with status 1
    expect(await started.exited).toBe(1);
  });

  it('exits 1 when something fails to close, after running the rest', async () => {
    const started = start({ FAIL: 'close' });
    await listening(started);
    started.child.kill('SIGTERM');
    expect(await started.exited).toBe(1);
    expect(started.lines().find((line) => line.msg === 'error while closing')?.closer).toBe('pool');
    expect(messages(started)).toContain('shutdown complete');
  });
});
