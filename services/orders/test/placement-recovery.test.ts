// No stock stays taken for an order that does not stand: placements that died at each step, failed confirmations,
// half-done cancels, settled by the placement itself or by the recovery loop (several replicas at once), always
// with the orders service's own token. Real grpc-js catalog with holds in memory, real PostgreSQL storage.
import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { startTestIssuer, type TestIssuer } from '@platform/auth-kit/testing';
import { ordersV1 } from '@platform/contracts';
import { createPool, type Pool } from '@platform/service-kit';
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from '@platform/test-databases';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrdersRepository, type OrdersRepository } from '../src/orders.repository.js';
import { type InMemoryCatalog, startInMemoryCatalog } from './in-memory-catalog.js';
import { type RunningOrders, rpc, startOrders } from './start-orders.js';
import { startTokenEndpoint, type TokenEndpoint } from './token-endpoint.js';

describe.each(testDatabaseKinds())('unfinished placements and cancels on %s PostgreSQL', (kind) => {
  let database: TestDatabase;
  let issuer: TestIssuer;
  let catalog: InMemoryCatalog;
  let tokenEndpoint: TokenEndpoint;
  let orders: RunningOrders;
  let pool: Pool;
  let repository: OrdersRepository;
  const started: RunningOrders[] = [];

  beforeAll(async () => {
    [database, issuer] = await Promise.all([openTestDatabase(kind), startTestIssuer()]);
    [catalog, tokenEndpoint] = await Promise.all([startInMemoryCatalog(issuer), startTokenEndpoint(issuer)]);
    orders = await startOrders({ databaseUrl: database.url, catalogAddress: catalog.address, issuer, tokenEndpoint });
    pool = createPool({ connectionString: database.url, applicationName: 'orders-test' });
    repository = createOrdersRepository(pool);
  });
  afterAll(async () => {
    for (const other of started) await other.close();
    await orders?.close();
    await pool?.end();
    await catalog?.stop();
    await tokenEndpoint?.close();
    await issuer?.close();
    await database?.close();
  });

  const dependencies = () => ({ databaseUrl: database.url, catalogAddress: catalog.address, issuer, tokenEndpoint });
  const newUser = () => {
    const userId = `user-${randomUUID()}`;
    return { userId, token: issuer.sign({ sub: userId }) };
  };
  const place = (via: RunningOrders, token: string, request: Partial<ordersV1.PlaceOrderRequest>) =>
    rpc(via.client, via.client.placeOrder, { items: [], ...request }, token);
  const rowOf = async (id: string) =>
    (await pool.query<{ status: string }>('SELECT status FROM orders.orders WHERE id = $1', [id])).rows[0]?.status;

  /**
   * What a placement leaves when its process dies after `step`: its pending row (lease already run out, unless
   * `leaseMs` says otherwise), and in the catalog nothing, a hold, or a confirmed reservation.
   */
  async function deadPlacement(step: 'claimed' | 'held' | 'confirmed', productId: string, quantity = 2, leaseMs = -1) {
    const id = randomUUID();
    const lines = [{ productId, quantity }];
    await repository.claim({
      id,
      userId: `user-${randomUUID()}`,
      idempotencyKey: undefined,
      fingerprint: 'f',
      lines,
      leaseMs,
    });
    if (step !== 'claimed') await orders.app.catalog.reserveStock(id, lines);
    if (step === 'confirmed') await orders.app.catalog.confirmStock(id);
    return id;
  }

  it('calls the catalog with its own service token, never the user’s, fetched once and reused', async () => {
    const { token } = newUser();
    const productId = catalog.addProduct({ stock: 10 });
    const seenBefore = catalog.authorizations.length;
    for (let i = 0; i < 3; i++) await place(orders, token, { items: [{ productId, quantity: 1 }] });
    const seen = catalog.authorizations.slice(seenBefore);
    expect(seen).toHaveLength(6); // a hold and a confirmation per order
    expect(seen).not.toContain(`Bearer ${token}`);
    expect(new Set(seen).size).toBe(1);
    const claims = JSON.parse(Buffer.from(seen[0]!.split('.')[1]!, 'base64url').toString());
    expect(claims).toMatchObject({ sub: 'orders', client_id: 'orders', aud: 'catalog' });
    expect(tokenEndpoint.issued).toBe(1);
  });

  it.each(['claimed', 'held', 'confirmed'] as const)(
    'gives back the stock of a placement that died once %s, and deletes it',
    async (step) => {
      const productId = catalog.addProduct({ stock: 10 });
      const id = await deadPlacement(step, productId);
      expect(catalog.stockOf(productId)).toBe(step === 'claimed' ? 10 : 8);

      expect(await orders.app.service.recover()).toBeGreaterThanOrEqual(1);
      expect(catalog.stockOf(productId)).toBe(10);
      expect(catalog.stateOf(id)).toBe('released');
      expect(await rowOf(id)).toBeUndefined();
      // a hold of that placement still in flight cannot take stock afterwards
      await expect(orders.app.catalog.reserveStock(id, [{ productId, quantity: 2 }])).rejects.toMatchObject({
        failure: 'insufficient-stock', // FAILED_PRECONDITION: the id is released for good
      });
      expect(catalog.stockOf(productId)).toBe(10);
    },
  );

  it('leaves a placement alone while its lease holds', async () => {
    const productId = catalog.addProduct({ stock: 10 });
    const id = randomUUID();
    const lines = [{ productId, quantity: 3 }];
    await repository.claim({
      id,
      userId: 'user-live',
      idempotencyKey: undefined,
      fingerprint: 'f',
      lines,
      leaseMs: 60_000,
    });
    await orders.app.catalog.reserveStock(id, lines);
    await orders.app.service.recover();
    expect([await rowOf(id), catalog.stateOf(id), catalog.stockOf(productId)]).toEqual(['pending', 'held', 7]);
  });

  it('finishes a cancel that died half-way: the stock goes back and the order ends cancelled', async () => {
    const { token } = newUser();
    const productId = catalog.addProduct({ stock: 10 });
    const { order } = await place(orders, token, { items: [{ productId, quantity: 4 }] });
    // what a cancel leaves when its process dies between deciding and releasing
    await pool.query(
      `UPDATE orders.orders SET status = 'cancelling', lease_expires_at = now() - interval '1 second' WHERE id = $1`,
      [order!.id],
    );
    const shown = await rpc(orders.client, orders.client.getOrder, { id: order!.id }, token);
    expect(shown.order?.status).toBe(ordersV1.OrderStatus.ORDER_STATUS_CANCELLED);
    expect(catalog.stockOf(productId)).toBe(6);

    await orders.app.service.recover();
    expect([await rowOf(order!.id), catalog.stateOf(order!.id), catalog.stockOf(productId)]).toEqual([
      'cancelled',
      'released',
      10,
    ]);
  });

  it('lets two replicas recover at once: each unfinished placement is released exactly once', async () => {
    const replica = await startOrders(dependencies());
    started.push(replica);
    const productId = catalog.addProduct({ stock: 100 });
    // made while their lease still holds, so the replica's first round (it recovers once as it starts) cannot take
    // some of them before both replicas race for all of them
    const ids = await Promise.all(
      Array.from({ length: 20 }, (_, i) => deadPlacement(i % 2 ? 'held' : 'confirmed', productId, 2, 60_000)),
    );
    expect(catalog.stockOf(productId)).toBe(60);
    await pool.query(`UPDATE orders.orders SET lease_expires_at = now() - interval '1 second' WHERE id = ANY($1)`, [
      ids,
    ]);

    await Promise.all([orders.app.service.recover(), replica.app.service.recover()]);
    expect(catalog.stockOf(productId)).toBe(100);
    for (const id of ids) {
      expect(catalog.calls.filter((call) => call === `release ${id}`)).toHaveLength(1);
      expect(await rowOf(id)).toBeUndefined();
    }
  });

  it('ends a round when the catalog cannot be reached, and settles everything once it is back', async () => {
    const productId = catalog.addProduct({ stock: 200 });
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) ids.push(await deadPlacement('held', productId, 1));
    await catalog.stop();
    try {
      // a round takes at most one batch, fails it, and returns: no tight loop against a dead catalog
      expect(await orders.app.service.recover()).toBe(0);
    } finally {
      await catalog.start();
    }
    expect(catalog.stockOf(productId)).toBe(140);
    // the channel reconnects with backoff: a round or two may still fail before the catalog answers again
    await expect
      .poll(
        async () => {
          await orders.app.service.recover();
          return catalog.stockOf(productId);
        },
        { timeout: 20_000 },
      )
      .toBe(200);
    for (const id of ids) expect(await rowOf(id)).toBeUndefined();
  });

  it('answers UNAVAILABLE and keeps nothing when the hold expired before it was confirmed', async () => {
    const { userId, token } = newUser();
    const productId = catalog.addProduct({ stock: 5 });
    catalog.failConfirmWith.push(status.FAILED_PRECONDITION);
    await expect(place(orders, token, { items: [{ productId, quantity: 2 }] })).rejects.toMatchObject({
      code: status.UNAVAILABLE,
    });
    await orders.app.service.drain();
    expect(catalog.stockOf(productId)).toBe(5);
    expect((await pool.query('SELECT id FROM orders.orders WHERE user_id = $1', [userId])).rows).toEqual([]);
  });

  it('does not let an order stand when its placement outlived its lease', async () => {
    const slow = await startOrders(dependencies(), { PLACEMENT_LEASE_MS: 300 });
    started.push(slow);
    const { userId, token } = newUser();
    const productId = catalog.addProduct({ stock: 5 });
    catalog.confirmDelayMs = 600;
    try {
      await expect(place(slow, token, { items: [{ productId, quantity: 2 }] })).rejects.toMatchObject({
        code: status.UNAVAILABLE,
      });
    } finally {
      catalog.confirmDelayMs = 0;
    }
    await slow.app.service.drain();
    expect(catalog.stockOf(productId)).toBe(5);
    expect((await pool.query('SELECT id FROM orders.orders WHERE user_id = $1', [userId])).rows).toEqual([]);
  });

  it('settles unfinished placements by itself, every RECOVERY_INTERVAL_MS', async () => {
    const looping = await startOrders(dependencies(), { RECOVERY_INTERVAL_MS: 100 });
    started.push(looping);
    const productId = catalog.addProduct({ stock: 10 });
    const id = await deadPlacement('held', productId, 6);
    await expect.poll(() => catalog.stockOf(productId), { timeout: 10_000 }).toBe(10);
    await expect.poll(() => rowOf(id), { timeout: 10_000 }).toBeUndefined();
  });

  it('fetches a new service token when the catalog refuses the one in hand, and goes on', async () => {
    const { token } = newUser();
    const productId = catalog.addProduct({ stock: 5 });
    const issuedBefore = tokenEndpoint.issued;
    catalog.rejectTokens = 1;
    const { order } = await place(orders, token, { items: [{ productId, quantity: 1 }] });
    expect(order?.status).toBe(ordersV1.OrderStatus.ORDER_STATUS_CONFIRMED);
    expect(tokenEndpoint.issued).toBe(issuedBefore + 1);
    expect(catalog.stockOf(productId)).toBe(4);
  });

  it('answers UNAVAILABLE and holds nothing when no service token can be had', async () => {
    const isolated = await startTokenEndpoint(issuer);
    const withoutAuth = await startOrders({ ...dependencies(), tokenEndpoint: isolated });
    started.push(withoutAuth);
    await isolated.close();
    const { userId, token } = newUser();
    const productId = catalog.addProduct({ stock: 5 });
    await expect(place(withoutAuth, token, { items: [{ productId, quantity: 1 }] })).rejects.toMatchObject({
      code: status.UNAVAILABLE,
    });
    expect(catalog.stockOf(productId)).toBe(5);
    expect((await pool.query('SELECT id FROM orders.orders WHERE user_id = $1', [userId])).rows).toEqual([]);
  });
});
