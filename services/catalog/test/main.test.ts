// The built entry point as a process, as `npm start`, compose and Kubernetes run it: bad config stops it naming
// the variable; a good one serves gRPC and the ops port, and SIGTERM drains it to a clean exit.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { openTestDatabase, type TestDatabase } from '@platform/test-databases';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoProducts } from '../src/demo-products.js';
import { connectCatalog } from './catalog-client.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** Only what the test sets, so a developer's shell (DATABASE_URL, PORT...) cannot change the outcome. */
function run(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function exitOf(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr };
}

// loading the service's modules takes seconds on a busy machine, before the config is even read
const STARTUP_MS = 30_000;

describe('node dist/main.js', () => {
  it(
    'exits 1 naming a missing DATABASE_URL',
    async () => {
      const { code, stderr } = await exitOf(run({}));
      expect(code).toBe(1);
      expect(stderr).toContain('DATABASE_URL is required');
    },
    STARTUP_MS,
  );

  it(
    'exits 1 naming every bad variable',
    async () => {
      const { code, stderr } = await exitOf(
        run({ DATABASE_URL: 'mysql://db', GRPC_PORT: '99999', SEED_DEMO_DATA: 'perhaps', JWKS_URL: 'ftp://x' }),
      );
      expect(code).toBe(1);
      for (const name of ['DATABASE_URL', 'GRPC_PORT', 'SEED_DEMO_DATA', 'JWKS_URL']) expect(stderr).toContain(name);
    },
    STARTUP_MS,
  );

  describe('with a database', () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await openTestDatabase('embedded');
    }, 120_000);
    afterAll(() => database?.close());

    it('serves the seeded catalog over gRPC, is ready on the ops port, and exits 0 on SIGTERM', async () => {
      const child = run({ DATABASE_URL: database.url, HOST: '127.0.0.1', GRPC_PORT: '0', OPS_PORT: '0' });
      const exited = exitOf(child);
      try {
        const { grpc: grpcPort, http: opsPort } = await listeningPorts(child);
        expect((await fetch(`http://127.0.0.1:${opsPort}/readyz`)).status).toBe(200);
        const client = connectCatalog(`127.0.0.1:${grpcPort}`);
        const { products } = await client.listProducts();
        client.close();
        expect(products.map((product) => product.id).sort()).toEqual(demoProducts.map((product) => product.id).sort());
      } finally {
        child.kill('SIGTERM');
      }
      const { code, stderr } = await exited;
      expect(stderr).toBe('');
      expect(code).toBe(0);
    }, 60_000);
  });
});

/** Reads the JSON log lines until the 'catalog listening' one, which carries the bound ports. */
function listeningPorts(child: ChildProcess): Promise<{ grpc: number; http: number }> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk;
      for (const line of buffered.split('\n')) {
        if (!line.includes('"catalog listening"')) continue;
        const { grpc, http } = JSON.parse(line) as { grpc: number; http: number };
        resolve({ grpc, http });
      }
    });
    child.once('exit', (code) => reject(new Error(`catalog exited with ${code} before listening`)));
  });
}
