// For tests: the auth app built from a real config (validated by the service's own schema) on a test database,
// listening on 127.0.0.1 and an ephemeral port, so verifiers can fetch its JWKS over real HTTP.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, createPool, loadConfig, type Pool } from '@platform/service-kit';
import { type AuthApp, buildApp } from '../src/app.js';
import { type Config, configSchema } from '../src/config.js';

// 2^10 instead of 2^17: the same code path, a millisecond per hash instead of ~400 ms on a 2-core runner
export const FAST_SCRYPT = { N: 2 ** 10, r: 8, p: 1 };

/** The service's config for a test; X-Forwarded-For is believed from loopback (the tests play the gateway). */
export function testConfig(databaseUrl: string, env: Record<string, string | undefined> = {}): Config {
  return loadConfig(configSchema, {
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
    TRUSTED_PROXIES: 'loopback',
    ...env,
  });
}

export interface AuthServer {
  app: AuthApp;
  /** http://127.0.0.1:<port> */
  url: string;
  jwksUrl: string;
  config: Config;
  close(): Promise<void>;
}

export async function startAuthServer(pool: Pool, config: Config): Promise<AuthServer> {
  const logger = createLogger({ service: 'auth', level: config.LOG_LEVEL });
  const app = await buildApp(config, { logger, pool, scrypt: FAST_SCRYPT });
  const { http } = await app.listen();
  const url = `http://127.0.0.1:${http}`;
  return { app, url, jwksUrl: `${url}/.well-known/jwks.json`, config, close: () => app.close() };
}

/** A pool on the test database and a fresh DATA_DIR, both closed/removed by `close`. */
export async function openFixture(databaseUrl: string) {
  const pool = createPool({ connectionString: databaseUrl, applicationName: 'auth-test' });
  const dataDir = await mkdtemp(join(tmpdir(), 'auth-test-'));
  return {
    pool,
    dataDir,
    async close() {
      await pool.end();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

let counter = 0;
/** A fresh email per test, so tests sharing a database do not see each other's users or failure counters. */
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}-${counter}-${Date.now().toString(36)}@example.com`;
}
