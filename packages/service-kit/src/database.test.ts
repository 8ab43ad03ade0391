import { openTestDatabase, type TestDatabase, testDatabaseKinds } from '@platform/test-databases';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, inTransaction, type Pool } from './database.js';

describe.each(testDatabaseKinds())('inTransaction on %s', (kind) => {
  let database: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    pool = createPool({ connectionString: database.url, applicationName: 'kit-transaction-test', max: 1 });
  });
  afterAll(async () => {
    await pool.end();
    await database.close();
  });

  it('survives the server ending its connection while fn awaits other work, and the pool serves again', async () => {
    const failed = inTransaction(pool, async (client) => {
      const ended = new Promise((resolve) => client.once('end', resolve));
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      // another session ends this one between two queries, as a stopped or restarted server would
      const admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
      await admin.end();
      // the client learns of it with no query running: this is where an unheard 'error' ended the process
      await ended;
      await client.query('SELECT 1');
    });
    await expect(failed).rejects.toThrow(/not queryable|terminat/i);
    // the broken client was discarded: the pool's one slot lends a working connection again
    expect(await inTransaction(pool, async (client) => (await client.query('SELECT 41 + 1 AS n')).rows[0].n)).toBe(42);
  });

  it('rolls back what fn wrote when fn throws', async () => {
    await pool.query('CREATE TABLE IF NOT EXISTS kit_tx (n int)');
    await expect(
      inTransaction(pool, async (client) => {
        await client.query('INSERT INTO kit_tx VALUES (1)');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect((await pool.query('SELECT count(*)::int AS n FROM kit_tx')).rows[0].n).toBe(0);
  });
});
