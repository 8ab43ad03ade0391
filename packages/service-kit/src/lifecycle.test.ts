import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createHttpServer } from './http-server.js';
import { Lifecycle } from './lifecycle.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { Readiness } from './readiness.js';

const logger = createLogger({ service: 'test', level: 'silent' });

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, agent: false }, (response) => {
      let body = '';
      response.on('data', (chunk) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('Lifecycle', () => {
  it('turns readiness 503, lets an in-flight request finish, then exits 0', async () => {
    const readiness = new Readiness();
    const app = createHttpServer({ logger, metrics: createMetrics('test'), readiness });
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered: () => void = () => {};
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    app.get('/slow', async () => {
      entered();
      await held;
      return { done: true };
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const exits: number[] = [];
    const lifecycle = new Lifecycle({ logger, readiness, timeoutMs: 5_000, exit: (code) => exits.push(code) });
    lifecycle.onShutdown('http', () => app.close());

    const slow = get(port, '/slow');
    await inside;
    const shutdown = lifecycle.shutdown('test');
    expect(readiness.isDraining).toBe(true);
    expect((await readiness.report()).ready).toBe(false);
    release();
    expect(await slow).toEqual({ status: 200, body: '{"done":true}' });
    await shutdown;
    expect(exits).toEqual([0]);
    await expect(get(port, '/healthz')).rejects.toThrow();
  });

  it('runs closers last-registered first and exits 1 when one fails', async () => {
    const order: string[] = [];
    const exits: number[] = [];
    const lifecycle = new Lifecycle({
      logger,
      readiness: new Readiness(),
      timeoutMs: 1_000,
      exit: (c) => exits.push(c),
    });
    lifecycle.onShutdown('first', () => {
      order.push('first');
    });
    lifecycle.onShutdown('second', () => {
      order.push('second');
      throw new Error('broken');
    });
    await Promise.all([lifecycle.shutdown('a'), lifecycle.shutdown('b')]);
    expect(order).toEqual(['second', 'first']);
    expect(exits).toEqual([1]);
  });

  it('forces exit 1 when closing outlasts the deadline', async () => {
    const exits: number[] = [];
    const lifecycle = new Lifecycle({ logger, readiness: new Readiness(), timeoutMs: 50, exit: (c) => exits.push(c) });
    let finish: () => void = () => {};
    lifecycle.onShutdown(
      'stuck',
      () =>
        new Promise<void>((resolve) => {
          finish = resolve;
        }),
    );
    const done = lifecycle.shutdown('test');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(exits).toEqual([1]);
    finish();
    await done;
  });

  it('shuts down when the supervisor that started it over an IPC channel goes away', async () => {
    const here = (file: string) => JSON.stringify(fileURLToPath(new URL(file, import.meta.url)));
    const dir = mkdtempSync(join(tmpdir(), 'lifecycle-'));
    const script = join(dir, 'service.mts');
    writeFileSync(
      script,
      `import { Lifecycle } from ${here('./lifecycle.ts')};
      import { createLogger } from ${here('./logger.ts')};
      import { Readiness } from ${here('./readiness.ts')};
      const logger = createLogger({ service: 'test', level: 'info' });
      const server = setInterval(() => {}, 1_000); // a listening server would keep the process alive
      new Lifecycle({ logger, readiness: new Readiness(), timeoutMs: 5_000 })
        .handleSignals()
        .onShutdown('server', () => clearInterval(server));
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
