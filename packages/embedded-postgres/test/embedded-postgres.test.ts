// The behaviour services rely on when they talk to the embedded server through `pg`, including its limits.
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../src/index.js';

/** Settles to 'pending' if the promise has not settled within ms. */
async function stateAfter(promise: Promise<unknown>, ms: number): Promise<'settled' | 'pending'> {
  return Promise.race([promise.then(() => 'settled' as const), sleep(ms, 'pending' as const)]);
}

describe('an in-memory embedded server used through pg', () => {
  let server: EmbeddedPostgres;
  const opened: Array<pg.Pool | pg.Client> = [];
  async function client(): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: server.url });
    opened.push(c);
    await c.connect();
    return c;
  }
  function pool(max: number): pg.Pool {
    const p = new pg.Pool({ connectionString: server.url, max });
    opened.push(p);
    return p;
  }

  beforeAll(async () => {
    server = await startEmbeddedPostgres();
    const setup = await client();
    await setup.query('CREATE SCHEMA test');
    await setup.query('CREATE TABLE test.counter (id int PRIMARY KEY, n int NOT NULL)');
    await setup.query('CREATE TABLE test.items (id serial PRIMARY KEY, name text NOT NULL)');
  });
  afterAll(async () => {
    await Promise.all(opened.map((o) => o.end().catch(() => {})));
    await server?.stop();
  });

  it('answers on the url it reports', async () => {
    expect(server.url).toBe(`postgres://postgres@127.0.0.1:${server.port}/postgres`);
    const c = await client();
    const { rows } = await c.query<{ v: string }>('SELECT current_database() AS v');
    expect(rows[0]?.v).toBe('postgres');
  });

  it('serves several pools at once and gives every parameterised query its own answer', async () => {
    const pools = [pool(5), pool(5), pool(5)];
    // 64 KiB values span several TCP reads, so a split message would show up as a wrong answer or an error
    const big = 'x'.repeat(64 * 1024);
    const results = await Promise.all(
      Array.from({ length: 600 }, async (_, i) => {
        const p = pools[i % pools.length]!;
        if (i % 3 === 0) return (await p.query('SELECT $1::int + 1 AS v', [i])).rows[0].v === i + 1;
        if (i % 3 === 1)
          return (await p.query('SELECT $1::text AS v, $2::int AS w', [`s${i}`, i])).rows[0].v === `s${i}`;
        const { rows } = await p.query('SELECT length($1::text) AS len, $2::int AS i', [big + i, i]);
        return rows[0].len === big.length + String(i).length && rows[0].i === i;
      }),
    );
    expect(results.filter((ok) => !ok)).toHaveLength(0);
  });

  it('keeps parameterised queries whole while other connections run transactions', async () => {
    // pglite-socket alone interleaves one connection's Parse/Bind/Execute with another's BEGIN, losing the
    // unnamed statement ("unnamed prepared statement does not exist"); message-batches.ts keeps batches together
    const p = pool(10);
    const results = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        if (i % 3 !== 0) return (await p.query('SELECT $1::int AS v', [i])).rows[0].v === i;
        const c = await p.connect();
        try {
          await c.query('BEGIN');
          const { rows } = await c.query('SELECT $1::int AS v', [i]);
          await c.query('COMMIT');
          return rows[0].v === i;
        } finally {
          c.release();
        }
      }),
    );
    expect(results.filter((ok) => !ok)).toHaveLength(0);
  });

  it('runs whole transactions one at a time: concurrent read-modify-write loses no update', async () => {
    const setup = await client();
    await setup.query('INSERT INTO test.counter (id, n) VALUES (1, 0)');
    const workers = await Promise.all(Array.from({ length: 5 }, () => client()));
    await Promise.all(
      workers.map(async (c) => {
        for (let i = 0; i < 10; i++) {
          await c.query('BEGIN');
          const { rows } = await c.query<{ n: number }>('SELECT n FROM test.counter WHERE id = 1');
          await sleep(1); // give the other clients every chance to interleave
          await c.query('UPDATE test.counter SET n = $1 WHERE id = 1', [rows[0]!.n + 1]);
          await c.query('COMMIT');
        }
      }),
    );
    const { rows } = await setup.query<{ n: number }>('SELECT n FROM test.counter WHERE id = 1');
    expect(rows[0]?.n).toBe(50);
  });

  it('makes every other connection wait while one holds a transaction open', async () => {
    const a = await client();
    const b = await client();
    await a.query('BEGIN');
    await a.query("INSERT INTO test.items (name) VALUES ('from a')");
    const bRead = b.query<{ count: string }>("SELECT count(*) FROM test.items WHERE name = 'from a'");
    expect(await stateAfter(bRead, 300)).toBe('pending');
    await a.query('COMMIT');
    expect((await bRead).rows[0]?.count).toBe('1');
  });

  it('supports pg_advisory_xact_lock: a second taker waits until the first commits', async () => {
    const a = await client();
    const b = await client();
    await a.query('BEGIN');
    const { rows } = await a.query('SELECT pg_advisory_xact_lock(42) AS locked');
    expect(rows).toHaveLength(1);
    const bLocked = (async () => {
      await b.query('BEGIN');
      await b.query('SELECT pg_advisory_xact_lock(42)');
      await b.query('COMMIT');
    })();
    expect(await stateAfter(bLocked, 300)).toBe('pending');
    await a.query('COMMIT');
    await bLocked;
    const { rows: held } = await a.query("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory'");
    expect(held[0].n).toBe(0);
  });

  it('does not exclude anything with session-level advisory locks: every connection is the same session', async () => {
    const a = await client();
    const b = await client();
    await a.query('SELECT pg_advisory_lock(7)');
    const { rows } = await b.query<{ got: boolean }>('SELECT pg_try_advisory_lock(7) AS got');
    expect(rows[0]?.got).toBe(true);
    await a.query('SELECT pg_advisory_unlock_all()');
  });

  it('shares session settings between connections, so services must not rely on SET', async () => {
    const a = await client();
    const b = await client();
    await a.query("SET statement_timeout = '1234ms'");
    const { rows } = await b.query<{ statement_timeout: string }>('SHOW statement_timeout');
    expect(rows[0]?.statement_timeout).toBe('1234ms');
    await a.query('RESET statement_timeout');
  });

  it('rolls back the transaction of a client that goes away and lets the others continue', async () => {
    const a = await client();
    const b = await client();
    await a.query('BEGIN');
    await a.query("INSERT INTO test.items (name) VALUES ('abandoned')");
    await a.end();
    const { rows } = await b.query<{ count: string }>("SELECT count(*) FROM test.items WHERE name = 'abandoned'");
    expect(rows[0]?.count).toBe('0');
  });

  it('keeps a connection usable after a failed statement, and others unaffected', async () => {
    const a = await client();
    const b = await client();
    await expect(a.query('SELECT * FROM test.missing')).rejects.toThrow(/does not exist/);
    await a.query('BEGIN');
    await expect(a.query('SELECT 1/0')).rejects.toThrow(/division by zero/);
    await a.query('ROLLBACK');
    expect((await b.query('SELECT 2 AS v')).rows[0].v).toBe(2);
    expect((await a.query('SELECT 3 AS v')).rows[0].v).toBe(3);
  });
});
