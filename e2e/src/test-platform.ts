// Starts the whole platform for a test file with the same launcher `npm start` uses, collecting every log line so
// tests can look at them, on the embedded server or on a fresh database of a real PostgreSQL.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { offsetPorts, type Platform, startPlatform } from '@platform/launcher';
import { openTestDatabase, type TestDatabase } from '@platform/test-databases';

export interface TestPlatform extends Platform {
  /** Every line the services printed, prefixed with the service's name. */
  readonly logs: string[];
  /** The platform's DATA_DIR: the embedded database, auth's keys, the services' generated secrets. */
  readonly dataDir: string;
  /** Stops the platform and removes its data. */
  close(): Promise<void>;
}

/**
 * Tests run the platform on the contract's ports plus this; E2E_PORT_OFFSET moves it, so two checkouts can run
 * their suites side by side on one machine.
 */
export const PORT_OFFSET = Number(process.env.E2E_PORT_OFFSET ?? 10_000);

export interface TestPlatformOptions {
  /** Added to the environment the services inherit. */
  env?: Record<string, string>;
  /** 'embedded' is what `npm start` runs; 'postgres' needs TEST_DATABASE_URL. */
  database?: TestDatabase['kind'];
  dataDir?: string;
  /** The gateway's interface (the launcher's GATEWAY_HOST); the others stay on loopback. */
  gatewayHost?: string;
}

/** A fresh DATA_DIR; as root the embedded server runs as user postgres, which must be able to enter it. */
export async function makeDataDir(prefix = 'platform-e2e-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await chmod(dir, 0o755);
  return dir;
}

export async function startTestPlatform({
  env = {},
  database = 'embedded',
  dataDir,
  gatewayHost,
}: TestPlatformOptions = {}) {
  const dir = dataDir ?? (await makeDataDir());
  const external = database === 'postgres' ? await openTestDatabase('postgres') : undefined;
  const logs: string[] = [];
  const platform = await startPlatform({
    env: {
      ...process.env,
      LOG_LEVEL: 'info',
      RATE_LIMIT_MAX: '100000',
      CREDENTIALS_RATE_LIMIT_MAX: '100000',
      // logins queue for auth's one hashing slot (~0.4 s each, more on a busy 2-core runner): no test is about
      // the gateway's deadline for auth, so it must not decide a test on a slow machine
      AUTH_TIMEOUT_MS: '15000',
      ...env,
    },
    dataDir: dir,
    databaseUrl: external?.url,
    logSink: (line) => logs.push(line),
    readyTimeoutMs: 90_000,
    // beside the contract's ports, so the suite runs while `npm start` or the compose stack holds them
    ports: offsetPorts(PORT_OFFSET),
    ...(gatewayHost ? { gatewayHost } : {}),
  });
  const testPlatform: TestPlatform = {
    ...platform,
    logs,
    dataDir: dir,
    async close() {
      await platform.stop();
      await external?.close();
      if (!dataDir) await rm(dir, { recursive: true, force: true });
    },
  };
  return testPlatform;
}

/** The database kind a file should run on: a real server when CI provides one, else the embedded one. */
export const preferredDatabase = (): TestDatabase['kind'] => (process.env.TEST_DATABASE_URL ? 'postgres' : 'embedded');
