// The load generator as a process against the real platform (started by the launcher, its gateway's rate limit set
// low): its counters rise with the platform's, it holds back when the gateway says Retry-After, and SIGTERM stops
// it within the shutdown deadline even with requests hanging.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { offsetPorts, type Platform, startPlatform } from '@platform/launcher';
import { openTestDatabase, type TestDatabase } from '@platform/test-databases';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
// beside the contract's ports, as the end-to-end suite does (E2E_PORT_OFFSET moves both)
const PORT_OFFSET = Number(process.env.E2E_PORT_OFFSET ?? 10_000);
// the gateway lets one client address make this many requests per window
const RATE_LIMIT_MAX = 40;
const RATE_LIMIT_WINDOW_MS = 2_000;

let platform: Platform;
let dataDir: string;
let external: TestDatabase | undefined;
let loadgen: LoadgenProcess | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'loadgen-platform-'));
  // as root the embedded PostgreSQL runs as user postgres, which must be able to enter it (mkdtemp makes it 0700)
  await chmod(dataDir, 0o755);
  external = process.env.TEST_DATABASE_URL ? await openTestDatabase('postgres') : undefined;
  platform = await startPlatform({
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_MAX: String(RATE_LIMIT_MAX),
      RATE_LIMIT_WINDOW_MS: String(RATE_LIMIT_WINDOW_MS),
    },
    dataDir,
    // what the shoppers call: the API behind the gateway (the storefront is not among this package's dependencies,
    // so its image build, which runs these tests, has not built it)
    services: ['auth', 'catalog', 'orders', 'gateway'],
    databaseUrl: external?.url,
    logSink: () => {},
    readyTimeoutMs: 90_000,
    ports: offsetPorts(PORT_OFFSET),
  });
}, 180_000);
afterEach(async () => {
  await loadgen?.stop();
  loadgen = undefined;
});
afterAll(async () => {
  await platform?.stop();
  await external?.close();
  await rm(dataDir, { recursive: true, force: true });
});

interface LoadgenProcess {
  child: ChildProcess;
  opsUrl: string;
  output(): string;
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  stop(): Promise<void>;
}

async function startLoadgen(env: Record<string, string>): Promise<LoadgenProcess> {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      GATEWAY_URL: platform.gatewayUrl,
      HOST: '127.0.0.1',
      OPS_PORT: '0',
      OTEL_SDK_DISABLED: 'true',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  const portOf = () => /"http":(\d+).*"msg":"loadgen listening"/.exec(output)?.[1];
  await expect.poll(portOf, { timeout: 30_000 }).toBeDefined();
  const opsUrl = `http://127.0.0.1:${portOf()}`;
  return {
    child,
    opsUrl,
    output: () => output,
    metric: (name, labels) => scrape(`${opsUrl}/metrics`, name, labels),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await once(child, 'exit');
    },
  };
}

async function scrape(url: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(url)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .filter((line) => Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`)))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

const gatewayRequests = (route: string, status: string) =>
  scrape(`${platform.gatewayUrl}/metrics`, 'http_server_requests_total', { route, status_code: status });

async function exitOf(child: ChildProcess): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, ms: Date.now() - started };
}

describe('the load generator against the platform', () => {
  it('shops at the configured pace, and its counters rise with the gateway’s', async () => {
    const ordersBefore = await gatewayRequests('/api/orders', '201');
    loadgen = await startLoadgen({ LOADGEN_USERS: '2', LOADGEN_RATE: '5', SHUTDOWN_TIMEOUT_MS: '10000' });
    const { metric } = loadgen;
    expect((await fetch(`${loadgen.opsUrl}/readyz`)).status).toBe(200);
    expect((await fetch(`${loadgen.opsUrl}/healthz`)).status).toBe(200);

    await expect
      .poll(() => metric('loadgen_requests_total', { kind: 'register', outcome: 'ok' }), { timeout: 20_000 })
      .toBe(2);
    await expect
      .poll(() => metric('loadgen_requests_total', { kind: 'place_order', outcome: 'ok' }), { timeout: 40_000 })
      .toBeGreaterThan(0);
    await expect
      .poll(() => metric('loadgen_requests_total', { kind: 'list_products', outcome: 'ok' }), { timeout: 20_000 })
      .toBeGreaterThan(0);
    expect(
      await metric('loadgen_request_duration_seconds_count', { kind: 'list_products', outcome: 'ok' }),
    ).toBeGreaterThan(0);
    expect(await metric('loadgen_shoppers')).toBe(2);
    expect(await gatewayRequests('/api/orders', '201')).toBeGreaterThan(ordersBefore);
    // a pace the gateway's limit allows: nothing was refused, nothing failed
    expect(await metric('loadgen_requests_total', { outcome: 'rate_limited' })).toBe(0);
    for (const outcome of ['server_error', 'unavailable', 'timeout', 'network_error']) {
      expect(await metric('loadgen_requests_total', { outcome }), outcome).toBe(0);
    }

    loadgen.child.kill('SIGTERM');
    const { code } = await exitOf(loadgen.child);
    expect(code).toBe(0);
    expect(loadgen.output()).toContain('"msg":"shoppers stopped"');
  }, 90_000);

  it('holds every shopper back for the Retry-After of a 429', async () => {
    // far above the gateway's limit: without honouring Retry-After this would be hundreds of 429s a second
    loadgen = await startLoadgen({ LOADGEN_USERS: '4', LOADGEN_RATE: '200', LOADGEN_MIX: 'browse=1' });
    const { metric } = loadgen;
    await expect.poll(() => metric('loadgen_retry_after_waits_total'), { timeout: 20_000 }).toBeGreaterThan(0);
    const limitedAt = Date.now();
    const limitedBefore = await metric('loadgen_requests_total', { outcome: 'rate_limited' });
    const listedBefore = await metric('loadgen_requests_total', { kind: 'list_products', outcome: 'ok' });
    await new Promise((resolve) => setTimeout(resolve, 3 * RATE_LIMIT_WINDOW_MS));
    const windows = (Date.now() - limitedAt) / RATE_LIMIT_WINDOW_MS + 1;
    const limited = (await metric('loadgen_requests_total', { outcome: 'rate_limited' })) - limitedBefore;
    // at most the requests already in flight when each window's limit was reached: one per shopper per window
    expect(limited).toBeLessThanOrEqual(Math.ceil(windows) * 4);
    expect(await metric('loadgen_retry_after_seconds_total')).toBeGreaterThan(0);
    // and it kept going after the pauses: more than the shoppers' requests already in flight when it was limited
    await expect
      .poll(() => metric('loadgen_requests_total', { kind: 'list_products', outcome: 'ok' }), { timeout: 30_000 })
      .toBeGreaterThan(listedBefore + 4);
  }, 90_000);

  it('stops on SIGTERM within the deadline, abandoning requests the gateway never answers', async () => {
    loadgen = await startLoadgen({
      LOADGEN_USERS: '3',
      LOADGEN_RATE: '10',
      LOADGEN_MIX: 'browse=1',
      LOADGEN_REQUEST_TIMEOUT_MS: '30000',
      SHUTDOWN_TIMEOUT_MS: '4000',
    });
    await expect
      .poll(() => loadgen!.metric('loadgen_requests_total', { kind: 'list_products', outcome: 'ok' }), {
        timeout: 30_000,
      })
      .toBeGreaterThan(0);
    const gateway = platform.pid('gateway')!;
    process.kill(gateway, 'SIGSTOP'); // the gateway hangs: every request in flight waits for an answer
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect((await fetch(`${loadgen.opsUrl}/readyz`)).status).toBe(503);
      loadgen.child.kill('SIGTERM');
      const { code } = await exitOf(loadgen.child);
      expect(code).toBe(0); // the shutdown finished before its deadline (past it, the process exits 1)
      expect(loadgen.output()).toContain('requests in flight abandoned');
    } finally {
      process.kill(gateway, 'SIGCONT');
    }
  }, 90_000);
});
