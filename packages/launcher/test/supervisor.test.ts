// The supervisor against real child processes: restart after kill -9, backoff, graceful and forced stop.
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { waitUntilReady } from '../src/readiness.js';
import { type ExitInfo, Supervisor, type SupervisorOptions } from '../src/supervisor.js';
import { freePort, isListening } from './free-port.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const started: Supervisor[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop(0)));
});

function supervise(script: string, env: Record<string, string>, extra: Partial<SupervisorOptions> = {}) {
  const lines: string[] = [];
  const logs: string[] = [];
  const supervisor = new Supervisor({
    name: 'fixture',
    command: process.execPath,
    args: [fixture(script)],
    cwd: process.cwd(),
    env: { PATH: process.env.PATH, ...env },
    onLine: (stream, line) => lines.push(`${stream}: ${line}`),
    log: (message) => logs.push(message),
    ...extra,
  });
  started.push(supervisor);
  return { supervisor, lines, logs };
}

async function pidOf(port: number): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/pid`);
  return ((await response.json()) as { pid: number }).pid;
}

describe('Supervisor', () => {
  it('restarts a child killed with SIGKILL and logs why', async () => {
    const port = await freePort();
    const { supervisor, logs } = supervise('http-service.mjs', { PORT: String(port) }, { backoff: { initialMs: 50 } });
    supervisor.start();
    await waitUntilReady(`http://127.0.0.1:${port}/readyz`, { timeoutMs: 10_000 });
    const firstPid = await pidOf(port);
    expect(supervisor.pid).toBe(firstPid);

    const respawned = once(supervisor, 'spawn');
    await supervisor.kill('SIGKILL');
    const [newPid] = await respawned;
    await waitUntilReady(`http://127.0.0.1:${port}/readyz`, { timeoutMs: 10_000 });

    expect(newPid).not.toBe(firstPid);
    expect(await pidOf(port)).toBe(newPid);
    expect(supervisor.restarts).toBe(1);
    expect(logs).toContain('fixture exited unexpectedly (signal SIGKILL); restarting in 50 ms');
  });

  it('backs off exponentially, up to its maximum, while a child keeps crashing, and stop ends the loop', async () => {
    const { supervisor, lines, logs } = supervise(
      'crashing-service.mjs',
      {},
      { backoff: { initialMs: 100, maxMs: 400 } },
    );
    const spawns: number[] = [];
    supervisor.on('spawn', () => spawns.push(Date.now()));
    supervisor.start();
    while (spawns.length < 5) await once(supervisor, 'spawn');
    await supervisor.stop(1_000);
    const restartsAtStop = supervisor.restarts;
    await new Promise((resolve) => setTimeout(resolve, 600));

    expect(supervisor.restarts).toBe(restartsAtStop);
    expect(supervisor.running).toBe(false);
    expect(logs.slice(0, 4).map((l) => l.replace(/.*restarting in /, ''))).toEqual([
      '100 ms',
      '200 ms',
      '400 ms',
      '400 ms',
    ]);
    expect(logs[0]).toContain('exited unexpectedly (code 3)');
    const gaps = spawns.slice(1).map((t, i) => t - spawns[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(100);
    expect(gaps[1]).toBeGreaterThanOrEqual(200);
    expect(gaps[2]).toBeGreaterThanOrEqual(400);
    expect(lines).toContain('stderr: boom');
  });

  it('stops with SIGTERM, waits for a graceful exit and does not restart', async () => {
    const port = await freePort();
    const { supervisor, lines } = supervise('http-service.mjs', { PORT: String(port), FIXTURE_STOP_DELAY_MS: '300' });
    const exits: ExitInfo[] = [];
    supervisor.on('exit', (info) => exits.push(info));
    supervisor.start();
    await waitUntilReady(`http://127.0.0.1:${port}/readyz`, { timeoutMs: 10_000 });

    const before = Date.now();
    await supervisor.stop(5_000);
    expect(Date.now() - before).toBeGreaterThanOrEqual(250);
    expect(exits).toEqual([{ code: 0, signal: null, expected: true }]);
    // every line, including an unterminated last one, is out before stop resolves
    expect(lines.filter((l) => l.startsWith('stdout'))).toEqual([
      `stdout: listening on ${port}`,
      'stdout: got SIGTERM',
      'stdout: bye',
    ]);
    expect(lines).toContain('stderr: a line on stderr');
    expect(await isListening(port)).toBe(false);
    expect(supervisor.restarts).toBe(0);
  });

  it('sends SIGKILL to a child that ignores SIGTERM once the grace period is over', async () => {
    const port = await freePort();
    const { supervisor, logs } = supervise('http-service.mjs', { PORT: String(port), FIXTURE_IGNORE_SIGTERM: '1' });
    const exits: ExitInfo[] = [];
    supervisor.on('exit', (info) => exits.push(info));
    supervisor.start();
    await waitUntilReady(`http://127.0.0.1:${port}/readyz`, { timeoutMs: 10_000 });

    await supervisor.stop(500);
    expect(exits).toEqual([{ code: null, signal: 'SIGKILL', expected: true }]);
    expect(logs).toContain('fixture did not stop within 500 ms; sending SIGKILL');
    expect(await isListening(port)).toBe(false);
  });
});
