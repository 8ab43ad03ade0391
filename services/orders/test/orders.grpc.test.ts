// OrdersService over the wire: real grpc-js clients, real tokens from a test issuer, a real catalog server with
// in-memory stock, and storage on the embedded server and (when TEST_DATABASE_URL is set) a real PostgreSQL.
import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { startTestIssuer, type TestIssuer } from '@platform/auth-kit/testing';
import { ordersV1 } from '@platform/contracts';
import { createPool, type Pool } from '@platform/service-kit';
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from '@platform/test-databases';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InMemoryCatalog, startInMemoryCatalog } from './in-memory-catalog.js';
import { type RunningOrders, rpc, startOrders } from './start-orders.js';
import { startTokenEndpoint, type TokenEndpoint } from './token-endpoint.js';

const { OrderStatus } = ordersV1;

describe.each(testDatabaseKinds())('orders over gRPC on %s PostgreSQL', (kind) => {
  let database: TestDatabase;
  let issuer: TestIssuer;
  let catalog: InMemoryCatalog;
  let tokenEndpoint: TokenEndpoint;
  let orders: RunningOrders;
  let pool: Pool;

  beforeAll(async () => {
    [database, issuer] = await Promise.all([openTestDatabase(kind), startTestIssuer()]);
    [catalog, tokenEndpoint] = await Promise.all([startInMemoryCatalog(issuer), startTokenEndpoint(issuer)]);
    orders = await startOrders({ databaseUrl: database.url, catalogAddress: catalog.address, issuer, tokenEndpoint });
    pool = createPool({ connectionString: database.url, applicationName: 'orders-test' });
  });
  afterAll(async () => {
    await pool?.end();
    await orders?.close();
    await catalog?.stop();
    await tokenEndpoint?.close();
    await issuer?.close();
    await database?.close();
  });

  /** A fresh user per test keeps their order lists independent. */
  const newUser = () => {
    const userId = `user-${randomUUID()}`;
    return { userId, token: issuer.sign({ sub: userId }) };
  };
  const place = (token: string | undefined, request: Partial<ordersV1.PlaceOrderRequest>) =>
    rpc(orders.client, orders.client.placeOrder, { items: [], ...request }, token);
  const get = (token: string, id: string) => rpc(orders.client, orders.client.getOrder, { id }, token);
  const list = (token: string) => rpc(orders.client, orders.client.listOrders, {}, token);
  const cancel = (token: string, id: string) => rpc(orders.client, orders.client.cancelOrder, { id }, token);
  const rowsOf = async (userId: string) =>
    (await pool.query('SELECT id, status FROM orders.orders WHERE user_id = $1', [userId])).rows;

  describe('authentication', () => {
    it('answers UNAUTHENTICATED on every RPC without a token, with a bad one, or with a foreign audience', async () => {
      const { token } = newUser();
      const { id } = (await place(token, { items: [{ productId: catalog.addProduct({}), quantity: 1 }] })).order!;
      const badTokens = [
        undefined,
        'not-a-jwt',
        `${token.slice(0, -4)}AAAA`,
        issuer.sign({ sub: 'user-x', aud: 'another-api' }),
        issuer.sign({ sub: 'user-x', exp: Math.floor(Date.now() / 1000) - 3_600 }),
      ];
      for (const bad of badTokens) {
        for (const attempt of [
          place(bad, { items: [{ productId: catalog.addProduct({}), quantity: 1 }] }),
          rpc(orders.client, orders.client.listOrders, {}, bad),
          rpc(orders.client, orders.client.getOrder, { id }, bad),
          rpc(orders.client, orders.client.cancelOrder, { id }, bad),
        ]) {
          await expect(attempt).rejects.toMatchObject({ code: status.UNAUTHENTICATED });
        }
      }
      expect((await get(token, id)).order?.status).toBe(OrderStatus.ORDER_STATUS_CONFIRMED);
    });
  });

  describe('PlaceOrder', () => {
    it('reserves the stock and stores a confirmed order priced by the catalog, duplicates merged', async () => {
      const { userId, token } = newUser();
      const shirt = catalog.addProduct({ priceCents: 1_999, stock: 10 });
      const mug = catalog.addProduct({ priceCents: 750, stock: 5 });
      const before = Date.now();
      const { order } = await place(token, {
        items: [
          { productId: shirt, quantity: 2 },
          { productId: mug, quantity: 1 },
          { productId: shirt, quantity: 1 },
        ],
      });
      expect(order).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        status: OrderStatus.ORDER_STATUS_CONFIRMED,
        items: [
          { productId: shirt, quantity: 3, unitPriceCents: 1_999 },
          { productId: mug, quantity: 1, unitPriceCents: 750 },
        ],
        totalCents: 3 * 1_999 + 750,
        currency: 'EUR',
        createdAt: expect.any(Date),
      });
      expect(order!.createdAt!.getTime()).toBeGreaterThanOrEqual(before - 1_000);
      expect(catalog.stockOf(shirt)).toBe(7);
      expect(catalog.stockOf(mug)).toBe(4);
      // the reservation is named by the order id, held, then confirmed
      expect(catalog.stateOf(order!.id)).toBe('confirmed');
      expect(catalog.calls.filter((call) => call.endsWith(order!.id))).toEqual([
        `reserve ${order!.id}`,
        `confirm ${order!.id}`,
      ]);
      expect((await get(token, order!.id)).order).toEqual(order);
      expect(await rowsOf(userId)).toEqual([{ id: order!.id, status: 'confirmed' }]);
    });

    it('answers FAILED_PRECONDITION when stock is short, storing and reserving nothing', async () => {
      const { userId, token } = newUser();
      const plenty = catalog.addProduct({ stock: 10 });
      const scarce = catalog.addProduct({ stock: 1 });
      const items = [
        { productId: plenty, quantity: 1 },
        { productId: scarce, quantity: 2 },
      ];
      await expect(place(token, { items })).rejects.toMatchObject({ code: status.FAILED_PRECONDITION });
      await expect(place(token, { items, idempotencyKey: 'short-1' })).rejects.toMatchObject({
        code: status.FAILED_PRECONDITION,
      });
      expect([catalog.stockOf(plenty), catalog.stockOf(scarce)]).toEqual([10, 1]);
      expect(await rowsOf(userId)).toEqual([]);
      expect((await list(token)).orders).toEqual([]);
    });

    it('answers INVALID_ARGUMENT for an unknown product, storing nothing', async () => {
      const { userId, token } = newUser();
      const known = catalog.addProduct({ stock: 3 });
      await expect(
        place(token, {
          items: [
            { productId: known, quantity: 1 },
            { productId: randomUUID(), quantity: 1 },
          ],
        }),
      ).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
      expect(catalog.stockOf(known)).toBe(3);
      expect(await rowsOf(userId)).toEqual([]);
    });

    it('answers INVALID_ARGUMENT for a malformed request before reaching the catalog', async () => {
      const { token } = newUser();
      const productId = catalog.addProduct({});
      const calls = catalog.authorizations.length;
      const invalid: Partial<ordersV1.PlaceOrderRequest>[] = [
        { items: [] },
        { items: [{ productId, quantity: 0 }] },
        { items: [{ productId, quantity: -3 }] },
        { items: [{ productId: '', quantity: 1 }] },
        { items: [{ productId, quantity: 1 }], idempotencyKey: '' },
        { items: [{ productId, quantity: 1 }], idempotencyKey: 'k'.repeat(256) },
      ];
      for (const request of invalid) {
        await expect(place(token, request)).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
      }
      expect(catalog.authorizations.length).toBe(calls);
    });

    it('answers INVALID_ARGUMENT for items in different currencies and releases what was reserved', async () => {
      const { userId, token } = newUser();
      const euros = catalog.addProduct({ currency: 'EUR', stock: 4 });
      const dollars = catalog.addProduct({ currency: 'USD', stock: 4 });
      const items = [
        { productId: euros, quantity: 1 },
        { productId: dollars, quantity: 1 },
      ];
      await expect(place(token, { items })).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
      expect([catalog.stockOf(euros), catalog.stockOf(dollars)]).toEqual([4, 4]);
      expect(await rowsOf(userId)).toEqual([]);
    });

    it('places a new order on every call without an idempotency key', async () => {
      const { token } = newUser();
      const productId = catalog.addProduct({ stock: 5 });
      const first = await place(token, { items: [{ productId, quantity: 1 }] });
      const second = await place(token, { items: [{ productId, quantity: 1 }] });
      expect(second.order?.id).not.toBe(first.order?.id);
      expect(catalog.stockOf(productId)).toBe(3);
    });
  });

  describe('idempotency key', () => {
    it('returns the first order to a retry and reserves nothing more', async () => {
      const { userId, token } = newUser();
      const productId = catalog.addProduct({ stock: 5 });
      const other = catalog.addProduct({ stock: 5 });
      const items = [
        { productId, quantity: 2 },
        { productId: other, quantity: 1 },
      ];
      const first = await place(token, { items, idempotencyKey: 'checkout-1' });
      // the same items in another order, one of them split in two lines, are the same request
      const retry = await place(token, {
        items: [
          { productId: other, quantity: 1 },
          { productId, quantity: 1 },
          { productId, quantity: 1 },
        ],
        idempotencyKey: 'checkout-1',
      });
      expect(retry.order).toEqual(first.order);
      expect(catalog.stockOf(productId)).toBe(3);
      expect(await rowsOf(userId)).toHaveLength(1);
    });

    it('answers ALREADY_EXISTS when the key is reused for different items', async () => {
      const { token } = newUser();
      const productId = catalog.addProduct({ stock: 5 });
      await place(token, { items: [{ productId, quantity: 1 }], idempotencyKey: 'checkout-2' });
      await expect(
        place(token, { items: [{ productId, quantity: 2 }], idempotencyKey: 'checkout-2' }),
      ).rejects.toMatchObject({ code: status.ALREADY_EXISTS });
      expect(catalog.stockOf(productId)).toBe(4);
    });

    it('keeps keys per user: the same key from another user is another order', async () => {
      const alice = newUser();
      const bob = newUser();
      const productId = catalog.addProduct({ stock: 5 });
      const items = [{ productId, quantity: 1 }];
      const forAlice = await place(alice.token, { items, idempotencyKey: 'shared-key' });
      const forBob = await place(bob.token, { items, idempotencyKey: 'shared-key' });
      expect(forBob.order?.id).not.toBe(forAlice.order?.id);
      expect(catalog.stockOf(productId)).toBe(3);
    });

    it('turns 10 concurrent calls with one key into one order and one reservation', async () => {
      const { userId, token } = newUser();
      const productId = catalog.addProduct({ stock: 100 });
      const reservationsBefore = catalog.reservations.size;
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          place(token, { items: [{ productId, quantity: 3 }], idempotencyKey: 'double-click' }),
        ),
      );
      const ids = new Set(results.map((result) => result.order?.id));
      expect(ids.size).toBe(1);
      expect(results.every((result) => result.order?.status === OrderStatus.ORDER_STATUS_CONFIRMED)).toBe(true);
      expect(catalog.reservations.size - reservationsBefore).toBe(1);
      expect(catalog.stockOf(productId)).toBe(97);
      expect(await rowsOf(userId)).toHaveLength(1);
    });
  });

  describe('reading', () => {
    it('lists only the caller’s orders, newest first', async () => {
      const { token } = newUser();
      const stranger = newUser();
      const productId = catalog.addProduct({ stock: 10 });
      const first = await place(token, { items: [{ productId, quantity: 1 }] });
      await place(stranger.token, { items: [{ productId, quantity: 1 }] });
      const second = await place(token, { items: [{ productId, quantity: 2 }] });
      const { orders: listed } = await list(token);
      expect(listed.map((order) => order.id)).toEqual([second.order?.id, first.order?.id]);
      expect(listed[0]).toEqual(second.order);
    });

    it('answers NOT_FOUND for a missing, malformed or empty id', async () => {
      const { token } = newUser();
      for (const id of [randomUUID(), 'not-a-uuid', '', "1' OR '1'='1"]) {
        await expect(get(token, id)).rejects.toMatchObject({ code: status.NOT_FOUND });
        await expect(cancel(token, id)).rejects.toMatchObject({ code: status.NOT_FOUND });
      }
    });

    it('hides another user’s order exactly as a missing one (BOLA)', async () => {
      const owner = newUser();
      const intruder = newUser();
      const productId = catalog.addProduct({ stock: 10 });
      const { order } = await place(owner.token, { items: [{ productId, quantity: 4 }] });
      const id = order!.id;
      const missing = await get(intruder.token, randomUUID()).catch((error: unknown) => error);
      const foreign = await get(intruder.token, id).catch((error: unknown) => error);
      expect(foreign).toMatchObject({ code: status.NOT_FOUND });
      expect((foreign as Error).message).toBe((missing as Error).message);
      await expect(cancel(intruder.token, id)).rejects.toMatchObject({ code: status.NOT_FOUND });
      expect((await list(intruder.token)).orders.map((listed) => listed.id)).not.toContain(id);
      // nothing happened to the owner's order
      expect((await get(owner.token, id)).order?.status).toBe(OrderStatus.ORDER_STATUS_CONFIRMED);
      expect(catalog.stockOf(productId)).toBe(6);
    });
  });

  describe('CancelOrder', () => {
    it('cancels a confirmed order and puts its stock back; a second cancel is FAILED_PRECONDITION', async () => {
      const { token } = newUser();
      const productId = catalog.addProduct({ stock: 10 });
      const { order } = await place(token, { items: [{ productId, quantity: 4 }] });
      expect(catalog.stockOf(productId)).toBe(6);

      const cancelled = await cancel(token, order!.id);
      expect(cancelled.order).toEqual({ ...order, status: OrderStatus.ORDER_STATUS_CANCELLED });
      expect(catalog.stockOf(productId)).toBe(10);
      expect(catalog.stateOf(order!.id)).toBe('released');
      expect((await get(token, order!.id)).order?.status).toBe(OrderStatus.ORDER_STATUS_CANCELLED);

      await expect(cancel(token, order!.id)).rejects.toMatchObject({ code: status.FAILED_PRECONDITION });
      expect(catalog.stockOf(productId)).toBe(10);
    });
  });
});
