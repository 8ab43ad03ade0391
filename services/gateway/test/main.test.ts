// Wiring: the built entry point as a process, with telemetry started as in production (no endpoint: nothing is
// exported). A bad config stops it with a message naming the variable; a good one serves, reports ready once
// auth's JWKS answers, and stops cleanly on SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startTestIssuer, type TestIssuer } from '@platform/auth-kit/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAuthStandIn, startCatalogStandIn } from './downstreams.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

let issuer: TestIssuer;
let child: ChildProcess | undefined;

beforeAll(async () => {
  issuer = await startTestIssuer();
});

afterEach(() => {
  if (child?.exitCode === null) child.kill('SIGKILL');
  child = undefined;
});

afterAll(async () => {
  await issuer.close();
});

function start(env: Record<string, string>) {
  const { PATH, HOME } = process.env;
  const started = spawn(process.execPath, [MAIN], {
    env: { PATH, HOME, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  started.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });

  child = started;
  return { process: started, stderr: () => stderr };
}

async function waitReady(base: string, gateway: ReturnType<typeof start>): Promise<void> {
  // generous: start-up takes well under a second on an idle machine, far longer on a loaded CI runner
  const deadline = Date.now() + 30_000;
  let ready = 0;
  while (Date.now() < deadline && ready !== 200 && gateway.process.exitCode === null) {
    ready = await fetch(`${base}/readyz`).then(
      (response) => response.status,
      () => 0,
    );
    if (ready !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(ready, `the gateway did not become ready (exit code ${gateway.process.exitCode}): ${gateway.stderr()}`).toBe(
    200,
  );
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

describe('node dist/main.js', () => {
  it('exits 1 naming every bad variable', async () => {
    const gateway = start({ GRPC_DEADLINE_MS: 'soon', RATE_LIMIT_MAX: '-5' });
    const [code] = await once(gateway.process, 'exit');
    expect(code).toBe(1);
    expect(gateway.stderr()).toContain('gateway: invalid configuration');
    expect(gateway.stderr()).toContain('GRPC_DEADLINE_MS');
    expect(gateway.stderr()).toContain('RATE_LIMIT_MAX');
  }, 30_000);

  it('continues an incoming trace to auth over HTTP and to catalog over gRPC (OpenTelemetry instrumentation)', async () => {
    const [auth, catalog] = await Promise.all([startAuthStandIn(), startCatalogStandIn()]);
    try {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const gateway = start({
        HOST: '127.0.0.1',
        PORT: String(port),
        JWKS_URL: issuer.jwksUrl,
        AUTH_URL: auth.url,
        CATALOG_ADDR: catalog.address,
        ORDERS_ADDR: '127.0.0.1:1',
      });
      await waitReady(base, gateway);
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const traceparent = `00-${traceId}-00f067aa0ba902b7-01`;
      expect((await fetch(`${base}/.well-known/jwks.json`, { headers: { traceparent } })).status).toBe(200);
      expect((await fetch(`${base}/api/catalog/products`, { headers: { traceparent } })).status).toBe(200);

      const toAuth = String(auth.requests.at(-1)?.headers.traceparent);
      const [toCatalog] = catalog.calls.at(-1)?.metadata.get('traceparent') ?? [];
      for (const sent of [toAuth, String(toCatalog)]) {
        // same trace, with the gateway's own span as the parent
        expect(sent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
        expect(sent).not.toBe(traceparent);
      }
    } finally {
      await catalog.stop();
      await auth.close();
    }
  }, 45_000);

  it('serves, is ready once the JWKS answers, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const gateway = start({
      HOST: '127.0.0.1',
      PORT: String(port),
      JWKS_URL: issuer.jwksUrl,
      // nothing listens on port 1: the domain routes answer 503 and the gateway stays ready
      CATALOG_ADDR: '127.0.0.1:1',
      ORDERS_ADDR: '127.0.0.1:1',
      AUTH_URL: 'http://127.0.0.1:1',
    });
    await waitReady(base, gateway);

    const products = await fetch(`${base}/api/catalog/products`);
    expect(products.status).toBe(503);
    expect(products.headers.get('content-type')).toContain('application/problem+json');
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'a@example.com', password: 'x' }),
    });
    expect(login.status).toBe(503);

    gateway.process.kill('SIGTERM');
    const [code] = await once(gateway.process, 'exit');
    expect(code).toBe(0);
  }, 45_000);
});
