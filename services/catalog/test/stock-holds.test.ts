// The reservation state machine in storage, on the embedded server and (when TEST_DATABASE_URL is set) a real
// PostgreSQL: held -> confirmed | released | expired, confirmed -> released; expiry racing confirmation and release,
// and several replicas sweeping at once. Each test ends with stock equal to its start minus what stays taken.
import { randomUUID } from 'node:crypto';
import { createPool, migrate, type Pool } from '@platform/service-kit';
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from '@platform/test-databases';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG_SCHEMA, migrations } from '../src/migrations.js';
import { createProductsRepository, type ProductsRepository } from '../src/products.repository.js';
import { createProductsService, type ProductsService } from '../src/products.service.js';

describe.each(testDatabaseKinds())('stock holds in storage on %s', (kind) => {
  let database: TestDatabase;
  // one pool per simulated replica: their sweeps really run in separate sessions
  const pools: Pool[] = [];
  let repository: ProductsRepository;
  let replicas: ProductsService[];

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    for (let i = 0; i < 3; i++)
      pools.push(createPool({ connectionString: database.url, applicationName: `catalog-${i}` }));
    await migrate(pools[0]!, { schema: CATALOG_SCHEMA, migrations });
    repository = createProductsRepository(pools[0]!);
    replicas = pools.map((pool) => createProductsService(createProductsRepository(pool), { holdMs: 60_000 }));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.end()));
    await database?.close();
  });

  const pool = () => pools[0]!;

  async function addProduct(stock: number): Promise<string> {
    const id = randomUUID();
    await pool().query(
      `INSERT INTO catalog.products (id, sku, name, price_cents, currency, stock) VALUES ($1, $2, 'p', 100, 'EUR', $3)`,
      [id, `SKU-${id}`, stock],
    );
    return id;
  }
  const stockOf = async (id: string) =>
    (await pool().query<{ stock: number }>('SELECT stock FROM catalog.products WHERE id = $1', [id])).rows[0]!.stock;
  const statusOf = async (id: string) =>
    (await pool().query<{ status: string }>('SELECT status FROM catalog.reservations WHERE id = $1', [id])).rows[0]
      ?.status;
  const hold = async (productId: string, quantity: number, holdMs = 60_000) => {
    const id = randomUUID();
    const outcome = await repository.reserve(id, 'orders', [{ productId, quantity }], holdMs);
    expect(outcome.kind).toBe('reserved');
    return id;
  };
  /** Moves a hold's expiry into the past: what the sweeper finds once its time is up. */
  const expire = (...ids: string[]) =>
    pool().query(`UPDATE catalog.reservations SET expires_at = now() - interval '1 second' WHERE id = ANY($1)`, [ids]);

  it('held -> confirmed: the stock stays taken, no sweep touches it, a release gives it back once', async () => {
    const productId = await addProduct(10);
    const id = await hold(productId, 4);
    expect(await repository.confirm(id)).toBe('confirmed');
    expect(await repository.confirm(id)).toBe('already-confirmed');
    expect(await replicas[0]!.expireHolds()).toBe(0);
    expect([await statusOf(id), await stockOf(productId)]).toEqual(['confirmed', 6]);

    expect(await repository.release(id, 'orders')).toBe(true);
    expect(await repository.release(id, 'orders')).toBe(false);
    expect([await statusOf(id), await stockOf(productId)]).toEqual(['released', 10]);
    expect(await repository.confirm(id)).toBe('released');
  });

  it('held -> expired: a sweep gives the stock back; confirmation and a repeat are refused after', async () => {
    const productId = await addProduct(10);
    const live = await hold(productId, 2);
    const dead = await hold(productId, 3);
    await expire(dead);
    // expired by the clock, before any sweep: it already reads as expired
    expect(await repository.confirm(dead)).toBe('expired');
    expect(await stockOf(productId)).toBe(5);

    expect(await replicas[0]!.expireHolds()).toBeGreaterThanOrEqual(1);
    expect([await statusOf(dead), await statusOf(live), await stockOf(productId)]).toEqual(['expired', 'held', 8]);
    expect(await repository.release(dead, 'orders')).toBe(false);
    const again = await repository.reserve(dead, 'orders', [{ productId, quantity: 3 }], 60_000);
    expect(again).toMatchObject({ kind: 'exists', reservation: { status: 'expired' } });
    expect(await stockOf(productId)).toBe(8);
  });

  it('held -> released: a release of an expired hold not swept yet gives its stock back exactly once', async () => {
    const productId = await addProduct(10);
    const id = await hold(productId, 6);
    await expire(id);
    expect(await repository.release(id, 'orders')).toBe(true);
    expect(await replicas[0]!.expireHolds()).toBe(0);
    expect([await statusOf(id), await stockOf(productId)]).toEqual(['released', 10]);
  });

  it('lets three replicas sweep at once: every expired hold is given back exactly once', async () => {
    const productId = await addProduct(300);
    const ids = await Promise.all(Array.from({ length: 120 }, () => hold(productId, 2)));
    const kept = await hold(productId, 5);
    await expire(...ids);
    expect(await stockOf(productId)).toBe(300 - 240 - 5);

    const expired = await Promise.all(replicas.map((replica) => replica.expireHolds()));
    expect(expired.reduce((sum, count) => sum + count, 0)).toBe(120);
    expect(await stockOf(productId)).toBe(295);
    expect(await statusOf(kept)).toBe('held');
  });

  it('decides every race of confirmation, release and expiry one way, and stock always agrees', async () => {
    const productId = await addProduct(200);
    // holds that expire while the confirmations, releases and sweeps below are in flight
    const ids = await Promise.all(Array.from({ length: 40 }, () => hold(productId, 1, 150)));
    const confirmations = ids.map(async (id, i) => {
      await new Promise((resolve) => setTimeout(resolve, (i % 10) * 30));
      return i % 4 === 0 ? repository.release(id, 'orders').then(() => 'release') : repository.confirm(id);
    });
    const sweeps = replicas.map(async (replica, i) => {
      let expired = 0;
      for (let round = 0; round < 8; round++) {
        await new Promise((resolve) => setTimeout(resolve, 20 + i * 7));
        expired += await replica.expireHolds();
      }
      return expired;
    });
    const outcomes = await Promise.all(confirmations);
    await Promise.all(sweeps);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await replicas[0]!.expireHolds();

    const statuses = await Promise.all(ids.map(statusOf));
    ids.forEach((_, i) => {
      // a confirmation that succeeded is the only way to confirmed; everything else ends with the stock back
      if (outcomes[i] === 'confirmed') expect(statuses[i]).toBe('confirmed');
      else expect(['released', 'expired']).toContain(statuses[i]);
    });
    const taken = statuses.filter((status) => status === 'confirmed').length;
    expect(await stockOf(productId)).toBe(200 - taken);
  });

  it('turns reservations made before holds existed into confirmed ones, keeping who made them', async () => {
    const legacy = await openTestDatabase(kind);
    const legacyPool = createPool({ connectionString: legacy.url, applicationName: 'catalog-legacy' });
    try {
      await migrate(legacyPool, { schema: CATALOG_SCHEMA, migrations: migrations.slice(0, 1) });
      await legacyPool.query(
        `INSERT INTO catalog.products (id, sku, name, price_cents, currency, stock)
         VALUES ('3c94b47e-5d93-44e2-aaa0-b97c7c3c0766', 'SKU-1', 'p', 100, 'EUR', 5);
         INSERT INTO catalog.reservations (id, user_id, status) VALUES ('old-order', 'user-1', 'reserved');
         INSERT INTO catalog.reservation_lines (reservation_id, position, product_id, quantity, unit_price_cents, currency)
         VALUES ('old-order', 0, '3c94b47e-5d93-44e2-aaa0-b97c7c3c0766', 2, 100, 'EUR')`,
      );
      await migrate(legacyPool, { schema: CATALOG_SCHEMA, migrations });
      const { rows } = await legacyPool.query('SELECT created_by, status, expires_at FROM catalog.reservations');
      expect(rows).toEqual([{ created_by: 'user-1', status: 'confirmed', expires_at: null }]);
      // and the orders service can still release it when that order is cancelled
      expect(await createProductsRepository(legacyPool).release('old-order', 'orders')).toBe(true);
    } finally {
      await legacyPool.end();
      await legacy.close();
    }
  });
});
