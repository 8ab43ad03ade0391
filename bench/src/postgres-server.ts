// The real PostgreSQL the benchmark runs against: the DATABASE_URL given, or Debian's server started by
// scripts/ci/start-postgres.sh; each run gets a fresh database on it, dropped afterwards.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** The server's URL: the one given, or the one start-postgres.sh prints (it installs and starts it if needed). */
export async function postgresServerUrl(given: string | undefined, port: number, repoRoot: string): Promise<string> {
  if (given) return given;
  const { stdout } = await run('bash', [join(repoRoot, 'scripts/ci/start-postgres.sh'), String(port)], {
    timeout: 300_000,
  });
  const url = stdout.trim().split('\n').pop();
  if (!url?.startsWith('postgres')) throw new Error(`start-postgres.sh printed no URL: ${stdout}`);
  return url;
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
