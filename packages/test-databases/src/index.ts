// The PostgreSQL servers a storage test runs against: the embedded server always, and the real server named by
// TEST_DATABASE_URL when set (CI sets it), so one test covers both with no skipping. Each open gives a fresh
// database of its own; on the embedded side one server per test file (process) holds them all.
import { randomBytes } from 'node:crypto';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '@platform/embedded-postgres';
import pg from 'pg';

export interface TestDatabase {
  /** 'embedded' or 'postgres', for test names. */
  readonly kind: 'embedded' | 'postgres';
  readonly url: string;
  /** Drops the database; the embedded server stops once no database of this process is open. */
  close(): Promise<void>;
}

/** The kinds a suite will run on in this environment; use with describe.each. */
export function testDatabaseKinds(env: Record<string, string | undefined> = process.env): TestDatabase['kind'][] {
  return env.TEST_DATABASE_URL ? ['embedded', 'postgres'] : ['embedded'];
}

// the embedded server of this process and how many of its databases are open
let embedded: { server: Promise<EmbeddedPostgres>; open: number } | undefined;

async function acquireEmbeddedServer(): Promise<{ url: string; release: () => Promise<void> }> {
  embedded ??= { server: startEmbeddedPostgres(), open: 0 };
  const held = embedded;
  held.open += 1;
  let server: EmbeddedPostgres;
  try {
    server = await held.server;
  } catch (error) {
    if (embedded === held) embedded = undefined;
    throw error;
  }
  return {
    url: server.url,
    release: async () => {
      held.open -= 1;
      if (held.open > 0) return;
      if (embedded === held) embedded = undefined;
      await server.stop();
    },
  };
}

/** Opens a database of the given kind, empty and owned by this test file alone. */
export async function openTestDatabase(
  kind: TestDatabase['kind'],
  env: Record<string, string | undefined> = process.env,
): Promise<TestDatabase> {
  if (kind === 'embedded') {
    const server = await acquireEmbeddedServer();
    try {
      return { kind, ...(await createDatabase(server.url, server.release)) };
    } catch (error) {
      await server.release();
      throw error;
    }
  }
  const serverUrl = env.TEST_DATABASE_URL;
  if (!serverUrl) throw new Error('TEST_DATABASE_URL is required for a postgres test database');
  return { kind, ...(await createDatabase(serverUrl, async () => {})) };
}

async function createDatabase(serverUrl: string, afterDrop: () => Promise<void>) {
  const name = `test_${randomBytes(6).toString('hex')}`;
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let closing: Promise<void> | undefined;
  return {
    url: url.toString(),
    close() {
      closing ??= (async () => {
        await withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
        await afterDrop();
      })();
      return closing;
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
