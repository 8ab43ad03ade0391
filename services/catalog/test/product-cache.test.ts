// The product cache against a real PostgreSQL (embedded, and TEST_DATABASE_URL's when set): reads come from one
// load, a change committed by anyone reaches it through migration 3's NOTIFY, a load overtaken by an invalidation
// is not kept, and with its LISTEN connection killed it reads the database until it listens again.
import { randomUUID } from 'node:crypto';
import { createLogger, createPool, migrate, type Pool } from '@platform/service-kit';
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from '@platform/test-databases';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CATALOG_SCHEMA, migrations } from '../src/migrations.js';
import { createProductCache, type ProductCache } from '../src/product-cache.js';

interface Row {
  id: string;
  stock: number;
}

const logger = createLogger({ service: 'catalog', level: 'silent' });

describe.each(testDatabaseKinds())('product cache on %s', (kind) => {
  let database: TestDatabase;
  let pool: Pool;
  const caches: ProductCache<Row>[] = [];

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    pool = createPool({ connectionString: database.url, applicationName: 'catalog-test' });
    await migrate(pool, { schema: CATALOG_SCHEMA, migrations });
  }, 120_000);

  afterEach(async () => {
    await Promise.all(caches.splice(0).map((cache) => cache.close()));
  });

  afterAll(async () => {
    await pool?.end();
    await database?.close();
  });

  /** A cache over this database that counts its queries. */
  async function startCache(relistenDelayMs = 50) {
    const loads = { all: 0, one: 0 };
    let hold: { queried: () => void; answered: Promise<void> } | undefined;
    const cache = createProductCache<Row>({
      loadAll: async () => {
        loads.all += 1;
        const { rows } = await pool.query<Row>('SELECT id, stock FROM catalog.products ORDER BY id');
        const held = hold;
        hold = undefined;
        if (held) {
          held.queried();
          await held.answered;
        }
        return rows;
      },
      loadOne: async (id) => {
        loads.one += 1;
        return (await pool.query<Row>('SELECT id, stock FROM catalog.products WHERE id = $1', [id])).rows[0];
      },
      connectionString: database.url,
      logger,
      relistenDelayMs,
    });
    caches.push(cache);
    await cache.start();
    expect(cache.listening).toBe(true);
    /** Makes the next full load stop after its query until answer() is called. */
    const holdNextLoad = () => {
      let queried!: () => void;
      let answer!: () => void;
      const queriedPromise = new Promise<void>((resolve) => {
        queried = resolve;
      });
      const answered = new Promise<void>((resolve) => {
        answer = resolve;
      });
      hold = { queried, answered };
      return { queried: queriedPromise, answer };
    };
    return { cache, loads, holdNextLoad };
  }

  async function addProduct(stock: number): Promise<string> {
    const id = randomUUID();
    await pool.query(
      `INSERT INTO catalog.products (id, sku, name, price_cents, currency, stock) VALUES ($1, $2, 'p', 100, 'EUR', $3)`,
      [id, `SKU-${id}`, stock],
    );
    return id;
  }
  const setStock = (id: string, stock: number) =>
    pool.query('UPDATE catalog.products SET stock = $2 WHERE id = $1', [id, stock]);
  const stockIn = async (cache: ProductCache<Row>, id: string) => (await cache.get(id))?.stock;

  it('answers repeated reads, concurrent ones included, from one load', async () => {
    const id = await addProduct(5);
    const { cache, loads } = await startCache();
    const answers = await Promise.all([cache.list(), cache.list(), cache.get(id)]);
    expect(answers[2]).toMatchObject({ id, stock: 5 });
    expect(await stockIn(cache, id)).toBe(5);
    expect((await cache.list()).map((row) => row.id)).toContain(id);
    expect(loads).toEqual({ all: 1, one: 0 });
    expect(await cache.get(randomUUID())).toBeUndefined();
    expect(loads.all).toBe(1);
  });

  it('drops its copy when a change is committed by another session (NOTIFY), not before the commit', async () => {
    const id = await addProduct(5);
    const { cache, loads } = await startCache();
    expect(await stockIn(cache, id)).toBe(5);

    const writer = await pool.connect();
    try {
      await writer.query('BEGIN');
      await writer.query('UPDATE catalog.products SET stock = 4 WHERE id = $1', [id]);
      expect(await stockIn(cache, id)).toBe(5); // uncommitted: nothing to see yet, nothing notified
      await writer.query('COMMIT');
    } finally {
      writer.release();
    }
    await vi.waitFor(async () => expect(await stockIn(cache, id)).toBe(4));
    expect(loads.all).toBe(2);
  });

  it('does not notify a rolled-back change; a DELETE is notified', async () => {
    const id = await addProduct(5);
    const { cache } = await startCache();
    expect(await stockIn(cache, id)).toBe(5);
    const writer = await pool.connect();
    try {
      await writer.query('BEGIN');
      await writer.query('UPDATE catalog.products SET stock = 1 WHERE id = $1', [id]);
      await writer.query('ROLLBACK');
    } finally {
      writer.release();
    }
    expect(await stockIn(cache, id)).toBe(5);
    await pool.query('DELETE FROM catalog.products WHERE id = $1', [id]);
    await vi.waitFor(async () => expect(await cache.get(id)).toBeUndefined());
  });

  it('does not keep a load that an invalidation overtook: the write may not be in it', async () => {
    const id = await addProduct(5);
    const { cache, loads, holdNextLoad } = await startCache();
    const held = holdNextLoad();
    const inFlight = cache.list();
    await held.queried; // the load has read stock 5 and not answered yet
    await setStock(id, 3);
    cache.invalidate(); // what the catalog's own write path does after its commit
    const during = cache.get(id); // a read after the invalidation does not join the older load
    held.answer();
    expect((await inFlight).find((row) => row.id === id)?.stock).toBe(5); // its own caller was concurrent
    expect((await during)?.stock).toBe(3);
    expect(await stockIn(cache, id)).toBe(3);
    expect(loads.all).toBeGreaterThanOrEqual(2);
  });

  it('with its LISTEN connection killed, reads the database (never a stale copy), then caches again', async () => {
    const id = await addProduct(5);
    const { cache, loads } = await startCache(60_000);
    expect(await stockIn(cache, id)).toBe(5);
    const pid = cache.listenerPid;
    expect(pid).toBeTypeOf('number');

    await pool.query('SELECT pg_terminate_backend($1)', [pid]);
    await vi.waitFor(() => expect(cache.listening).toBe(false));
    // a change nobody hears about: the copy is gone already, so reads go to the database every time
    await setStock(id, 2);
    expect(await stockIn(cache, id)).toBe(2);
    await setStock(id, 1);
    expect(await stockIn(cache, id)).toBe(1);
    expect((await cache.list()).find((row) => row.id === id)?.stock).toBe(1);
    expect(loads.one).toBe(2);

    // a cache that listens again promptly goes back to memory, and a change made while it was away is seen
    const { cache: prompt, loads: promptLoads } = await startCache(20);
    expect(await stockIn(prompt, id)).toBe(1);
    const firstPid = prompt.listenerPid;
    await pool.query('SELECT pg_terminate_backend($1)', [firstPid]);
    await setStock(id, 7);
    await vi.waitFor(() => expect(prompt.listening && prompt.listenerPid !== firstPid).toBe(true));
    expect(await stockIn(prompt, id)).toBe(7);
    // from memory again (once any late notification of the change above has come and gone)
    await vi.waitFor(async () => {
      const before = promptLoads.all;
      expect(await stockIn(prompt, id)).toBe(7);
      expect(promptLoads.all).toBe(before);
    });
  });
});
