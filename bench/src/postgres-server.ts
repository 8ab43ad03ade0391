// The PostgreSQL the benchmark runs against: the DATABASE_URL given, or a PostgreSQL 15 server of its own from the
// embedded server's binaries (durable settings, like any server), started in the run's scratch directory and stopped
// with it; each run gets a fresh database on it, dropped afterwards.
import { startEmbeddedPostgres } from '@platform/embedded-postgres';
import pg from 'pg';

export interface PostgresServer {
  url: string;
  stop(): Promise<void>;
}

/** The server's URL: the one given, or that of a server started on `port` with its data in `dataDir`. */
export async function startPostgresServer(
  given: string | undefined,
  port: number,
  dataDir: string,
): Promise<PostgresServer> {
  if (given) return { url: given, stop: async () => {} };
  const server = await startEmbeddedPostgres({ dataDir, port });
  return { url: server.url, stop: () => server.stop() };
}
export interface FreshDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Creates `name` on the server of `serverUrl` and returns its URL. */
export async function createFreshDatabase(serverUrl: string, name: string): Promise<FreshDatabase> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
