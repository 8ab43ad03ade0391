// Wiring: the built entry point validates its environment before starting anything, and when it does start it
// serves gRPC and ops, reports ready, and shuts down cleanly on SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startTestIssuer, type TestIssuer } from '@platform/auth-kit/testing';
import { openTestDatabase, type TestDatabase } from '@platform/test-databases';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InMemoryCatalog, startInMemoryCatalog } from './in-memory-catalog.js';
import { startTokenEndpoint, type TokenEndpoint } from './token-endpoint.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

function run(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number> } {
  // only what the test gives, plus PATH: a stray variable of the developer's shell must not change the result
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', ...env } });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = once(child, 'exit').then(([code]) => code as number);
  return { child, output: () => output, exited };
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

describe('node dist/main.js', () => {
  // each is a separate process: run them side by side
  it.concurrent.each([
    [{}, 'DATABASE_URL is required'],
    [{ DATABASE_URL: 'mysql://nope' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'postgres://x/y', GRPC_PORT: '70000' }, 'GRPC_PORT'],
    [{ DATABASE_URL: 'postgres://x/y', GRPC_DEADLINE_MS: 'soon' }, 'GRPC_DEADLINE_MS'],
    [{ DATABASE_URL: 'postgres://x/y', JWKS_URL: 'ftp://keys' }, 'JWKS_URL'],
    [{ DATABASE_URL: 'postgres://x/y' }, 'OAUTH_CLIENT_SECRET is required'],
    [{ DATABASE_URL: 'postgres://x/y', OAUTH_CLIENT_SECRET_FILE: '/no/such/file' }, 'OAUTH_CLIENT_SECRET_FILE'],
  ])('exits 1 naming the bad variable for %j', async (env, name) => {
    const { exited, output } = run(env);
    expect(await exited).toBe(1);
    expect(output()).toContain(name);
    expect(output()).toMatch(/^orders: invalid configuration/m);
  });

  describe('with a valid environment', () => {
    let database: TestDatabase;
    let issuer: TestIssuer;
    let catalog: InMemoryCatalog;
    let tokenEndpoint: TokenEndpoint;
    beforeAll(async () => {
      [database, issuer] = await Promise.all([openTestDatabase('embedded'), startTestIssuer()]);
      [catalog, tokenEndpoint] = await Promise.all([startInMemoryCatalog(issuer), startTokenEndpoint(issuer)]);
    });
    afterAll(async () => {
      await catalog?.stop();
      await tokenEndpoint?.close();
      await issuer?.close();
      await database?.close();
    });

    it('becomes ready, then drains and exits 0 on SIGTERM', async () => {
      const [grpcPort, opsPort] = [await freePort(), await freePort()];
      const { child, exited, output } = run({
        DATABASE_URL: database.url,
        CATALOG_ADDR: catalog.address,
        JWKS_URL: issuer.jwksUrl,
        OAUTH_TOKEN_URL: tokenEndpoint.url,
        OAUTH_CLIENT_SECRET: tokenEndpoint.clientSecret,
        HOST: '127.0.0.1',
        GRPC_PORT: String(grpcPort),
        OPS_PORT: String(opsPort),
        OTEL_SDK_DISABLED: 'true',
      });
      try {
        const until = Date.now() + 20_000;
        let ready = false;
        while (!ready && Date.now() < until) {
          ready = await fetch(`http://127.0.0.1:${opsPort}/readyz`).then(
            (response) => response.status === 200,
            () => false,
          );
          if (!ready) await new Promise((resolve) => setTimeout(resolve, 200));
        }
        expect(ready, output()).toBe(true);
        child.kill('SIGTERM');
        expect(await exited).toBe(0);
        expect(output()).toContain('shutdown complete');
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    });
  });
});
