// The generated orders code against a real grpc-js server: Timestamp arrives as Date, enums as numbers,
// optional fields keep their presence, identity travels in metadata.
import { credentials, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ordersV1 } from '../src/index.js';
import { call, type RunningServer, startServer } from './test-server.js';

const { OrderStatus } = ordersV1;

const order: ordersV1.Order = {
  id: '0f8e2a4c-1b3d-4e5f-8a9b-0c1d2e3f4a5b',
  status: OrderStatus.ORDER_STATUS_CONFIRMED,
  items: [
    { productId: 'p-1', quantity: 2, unitPriceCents: 1999 },
    { productId: 'p-2', quantity: 1, unitPriceCents: 5_000_000_000 },
  ],
  totalCents: 5_000_003_998,
  currency: 'EUR',
  createdAt: new Date('2026-01-02T03:04:05.678Z'),
};

describe('orders.v1 generated code over grpc-js', () => {
  let running: RunningServer;
  let client: ordersV1.OrdersServiceClient;
  const seen: { authorization: unknown; idempotencyKey: string | undefined }[] = [];
  const auth = new Metadata();
  auth.set('authorization', 'Bearer user-token');

  const orders: ordersV1.OrdersServiceServer = {
    placeOrder: (call, callback) => {
      seen.push({
        authorization: call.metadata.get('authorization')[0],
        idempotencyKey: call.request.idempotencyKey,
      });
      callback(null, { order });
    },
    listOrders: (_call, callback) => callback(null, { orders: [order] }),
    getOrder: (call, callback) =>
      call.request.id === order.id
        ? callback(null, { order })
        : callback({ code: status.NOT_FOUND, details: 'no order' }),
    cancelOrder: (call, callback) =>
      call.request.id === order.id
        ? callback(null, { order: { ...order, status: OrderStatus.ORDER_STATUS_CANCELLED } })
        : callback({ code: status.FAILED_PRECONDITION, details: 'already cancelled' }),
  };

  beforeAll(async () => {
    running = await startServer((server) => server.addService(ordersV1.OrdersServiceService, orders));
    client = new ordersV1.OrdersServiceClient(running.address, credentials.createInsecure());
  });
  afterAll(async () => {
    client.close();
    await running.close();
  });

  it('round-trips every order field: Timestamp as Date, int64 as number, enum as its number', async () => {
    const placed = await call(client, client.placeOrder, { items: [{ productId: 'p-1', quantity: 2 }] }, auth);
    expect(placed.order).toEqual(order);
    expect(placed.order?.createdAt).toBeInstanceOf(Date);
    expect(placed.order?.createdAt?.toISOString()).toBe('2026-01-02T03:04:05.678Z');
    expect(placed.order?.status).toBe(1);
    expect(ordersV1.orderStatusToJSON(placed.order!.status)).toBe('ORDER_STATUS_CONFIRMED');

    const listed = await call(client, client.listOrders, {}, auth);
    expect(listed.orders).toEqual([order]);
    const got = await call(client, client.getOrder, { id: order.id }, auth);
    expect(got.order).toEqual(order);
  });

  it('keeps the presence of the optional idempotency key and passes identity only as metadata', async () => {
    seen.length = 0;
    const items = [{ productId: 'p-1', quantity: 1 }];
    await call(client, client.placeOrder, { items }, auth);
    await call(client, client.placeOrder, { items, idempotencyKey: '' }, auth);
    await call(client, client.placeOrder, { items, idempotencyKey: 'key-1' }, auth);
    expect(seen).toEqual([
      { authorization: 'Bearer user-token', idempotencyKey: undefined },
      { authorization: 'Bearer user-token', idempotencyKey: '' },
      { authorization: 'Bearer user-token', idempotencyKey: 'key-1' },
    ]);
  });

  it('returns the cancelled status and the documented error codes', async () => {
    const cancelled = await call(client, client.cancelOrder, { id: order.id }, auth);
    expect(cancelled.order?.status).toBe(OrderStatus.ORDER_STATUS_CANCELLED);

    const again = await call(client, client.cancelOrder, { id: 'other' }, auth).catch((e) => e);
    expect((again as ServiceError).code).toBe(status.FAILED_PRECONDITION);
    const missing = await call(client, client.getOrder, { id: 'other' }, auth).catch((e) => e);
    expect((missing as ServiceError).code).toBe(status.NOT_FOUND);
  });

  it('reads an unset status as ORDER_STATUS_UNSPECIFIED and an unset created_at as undefined', () => {
    const decoded = ordersV1.Order.decode(
      ordersV1.Order.encode({ ...order, createdAt: undefined, status: 0 }).finish(),
    );
    expect(decoded.status).toBe(OrderStatus.ORDER_STATUS_UNSPECIFIED);
    expect(decoded.createdAt).toBeUndefined();
  });
});
