import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openTestDatabase, testDatabaseKinds } from './index.js';

describe('testDatabaseKinds', () => {
  it('adds the real server only when TEST_DATABASE_URL is set', () => {
    expect(testDatabaseKinds({})).toEqual(['embedded']);
    expect(testDatabaseKinds({ TEST_DATABASE_URL: 'postgres://x@127.0.0.1/y' })).toEqual(['embedded', 'postgres']);
  });
});

describe.each(testDatabaseKinds())('openTestDatabase(%s)', (kind) => {
  it('gives an empty database that answers queries and goes away on close', async () => {
    const database = await openTestDatabase(kind);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')",
    );
    expect(rows[0]?.n).toBe(0);
    await client.end();
    await database.close();
    const again = new pg.Client({ connectionString: database.url, connectionTimeoutMillis: 2_000 });
    await expect(again.connect()).rejects.toThrow();
    await again.end().catch(() => {});
  });
});
