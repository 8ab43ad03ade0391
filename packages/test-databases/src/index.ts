// The PostgreSQL servers a storage test runs against: the embedded PGlite server always, and a fresh database on
// the real server named by TEST_DATABASE_URL when set (CI sets it), so one test covers both with no skipping.
import { randomBytes } from 'node:crypto';
import { startEmbeddedPostgres } from '@platform/embedded-postgres';
import pg from 'pg';

export interface TestDatabase {
  /** 'embedded' or 'postgres', for test names. */
  readonly kind: 'embedded' | 'postgres';
  readonly url: string;
  /** Stops the embedded server, or drops the database made on the real one. */
  close(): Promise<void>;
}

/** The kinds a suite will run on in this environment; use with describe.each. */
export function testDatabaseKinds(env: Record<string, string | undefined> = process.env): TestDatabase['kind'][] {
  return env.TEST_DATABASE_URL ? ['embedded', 'postgres'] : ['embedded'];
}

/** Opens a database of the given kind, empty and owned by this test file alone. */
export async function openTestDatabase(
  kind: TestDatabase['kind'],
  env: Record<string, string | undefined> = process.env,
): Promise<TestDatabase> {
  if (kind === 'embedded') {
    const server = await startEmbeddedPostgres();
    return { kind, url: server.url, close: () => server.stop() };
  }
  const serverUrl = env.TEST_DATABASE_URL;
  if (!serverUrl) throw new Error('TEST_DATABASE_URL is required for a postgres test database');
  const name = `test_${randomBytes(6).toString('hex')}`;
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    kind,
    url: url.toString(),
    close: async () => {
      await withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
