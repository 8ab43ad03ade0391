import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openTestDatabase, testDatabaseKinds } from './index.js';

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('testDatabaseKinds', () => {
  it('adds the real server only when TEST_DATABASE_URL is set', () => {
    expect(testDatabaseKinds({})).toEqual(['embedded']);
    expect(testDatabaseKinds({ TEST_DATABASE_URL: 'postgres://x@127.0.0.1/y' })).toEqual(['embedded', 'postgres']);
  });
});

describe.each(testDatabaseKinds())('openTestDatabase(%s)', (kind) => {
  it('gives an empty database that answers queries and goes away on close', async () => {
    const database = await openTestDatabase(kind);
    const rows = await query<{ n: number }>(
      database.url,
      "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')",
    );
    expect(rows[0]?.n).toBe(0);
    await database.close();
    await expect(query(database.url, 'SELECT 1')).rejects.toThrow();
  });

  it('gives every open a database of its own', async () => {
    const [a, b] = await Promise.all([openTestDatabase(kind), openTestDatabase(kind)]);
    try {
      expect(a.url).not.toBe(b.url);
      await query(a.url, 'CREATE TABLE public.only_in_a (n int)');
      expect(await query(b.url, "SELECT to_regclass('public.only_in_a') AS t")).toEqual([{ t: null }]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('the embedded kind', () => {
  it('runs one server for the databases open at once, and stops it when the last one closes', async () => {
    const a = await openTestDatabase('embedded');
    const b = await openTestDatabase('embedded');
    const port = (url: string) => new URL(url).port;
    expect(port(a.url)).toBe(port(b.url));
    await a.close();
    expect(await query(b.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await b.close();
    const server = new URL(b.url);
    server.pathname = '/postgres';
    await expect(query(server.toString(), 'SELECT 1')).rejects.toThrow(/ECONNREFUSED|connect/);
  });
});
