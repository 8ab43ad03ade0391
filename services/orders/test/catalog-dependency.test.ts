// Orders when its catalog dependency misbehaves: unreachable, failing, or hanging. Also the ops endpoints that
// report it: /readyz follows the catalog, /metrics counts calls on both sides.
import { randomUUID } from 'node:crypto';
import { credentials, status } from '@grpc/grpc-js';
import { startTestIssuer, type TestIssuer } from '@platform/auth-kit/testing';
import { healthV1, ordersV1 } from '@platform/contracts';
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from '@platform/test-databases';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InMemoryCatalog, startInMemoryCatalog } from './in-memory-catalog.js';
import { type RunningOrders, rpc, startOrders } from './start-orders.js';
import { startTokenEndpoint, type TokenEndpoint } from './token-endpoint.js';

const DEADLINE_MS = 400;

async function eventually(check: () => Promise<void>, timeoutMs = 8_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe.each(testDatabaseKinds())('orders and its catalog dependency on %s PostgreSQL', (kind) => {
  let database: TestDatabase;
  let issuer: TestIssuer;
  let catalog: InMemoryCatalog;
  let tokenEndpoint: TokenEndpoint;
  let orders: RunningOrders;

  beforeAll(async () => {
    [database, issuer] = await Promise.all([openTestDatabase(kind), startTestIssuer()]);
    [catalog, tokenEndpoint] = await Promise.all([startInMemoryCatalog(issuer), startTokenEndpoint(issuer)]);
    orders = await startOrders(
      { databaseUrl: database.url, catalogAddress: catalog.address, issuer, tokenEndpoint },
      { GRPC_DEADLINE_MS: DEADLINE_MS },
    );
  });
  afterAll(async () => {
    await orders?.close();
    await catalog?.stop();
    await tokenEndpoint?.close();
    await issuer?.close();
    await database?.close();
  });

  const newToken = () => issuer.sign({ sub: `user-${randomUUID()}` });
  const place = (token: string, request: ordersV1.PlaceOrderRequest) =>
    rpc(orders.client, orders.client.placeOrder, request, token);
  const list = (token: string) => rpc(orders.client, orders.client.listOrders, {}, token);
  const readyz = async () => {
    const response = await fetch(`${orders.opsUrl}/readyz`);
    return { status: response.status, body: (await response.json()) as { checks: Record<string, string> } };
  };

  it('serves grpc.health.v1 for OrdersService and /healthz', async () => {
    const health = new healthV1.HealthClient(orders.grpcAddress, credentials.createInsecure());
    const response = await new Promise<healthV1.HealthCheckResponse>((resolve, reject) =>
      health.check({ service: ordersV1.OrdersServiceClient.serviceName }, (error, reply) =>
        error ? reject(error) : resolve(reply),
      ),
    );
    health.close();
    expect(response.status).toBe(healthV1.HealthCheckResponse_ServingStatus.SERVING);
    expect((await fetch(`${orders.opsUrl}/healthz`)).status).toBe(200);
  });

  it('compensates a placement the catalog failed with UNAVAILABLE, so the retry places it once', async () => {
    const token = newToken();
    const productId = catalog.addProduct({ stock: 5 });
    const request = { items: [{ productId, quantity: 2 }], idempotencyKey: 'flaky-catalog' };
    catalog.failReserveWith.push(status.UNAVAILABLE);
    await expect(place(token, request)).rejects.toMatchObject({ code: status.UNAVAILABLE });
    const { order } = await place(token, request);
    expect(order?.status).toBe(ordersV1.OrderStatus.ORDER_STATUS_CONFIRMED);
    expect(catalog.stockOf(productId)).toBe(3);
    expect((await list(token)).orders.map((listed) => listed.id)).toEqual([order?.id]);
  });

  it('answers DEADLINE_EXCEEDED within the deadline when the catalog hangs, and a retry recovers', async () => {
    const token = newToken();
    const productId = catalog.addProduct({ stock: 5 });
    const request = { items: [{ productId, quantity: 1 }], idempotencyKey: 'hanging-catalog' };
    catalog.hang = true;
    const started = Date.now();
    const failure = await place(token, request).catch((error: unknown) => error);
    const elapsed = Date.now() - started;
    expect(failure).toMatchObject({ code: status.DEADLINE_EXCEEDED });
    expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
    expect(elapsed).toBeLessThan(DEADLINE_MS + 2_500);
    // the hanging catalog did reserve; the answer was what got lost
    expect(catalog.stockOf(productId)).toBe(4);
    expect((await list(token)).orders).toEqual([]);

    catalog.hang = false;
    // the retry releases the lost reservation of the first attempt and places the order once
    const { order } = await place(token, request);
    expect(order?.status).toBe(ordersV1.OrderStatus.ORDER_STATUS_CONFIRMED);
    expect(catalog.stockOf(productId)).toBe(4);
    expect((await list(token)).orders.map((listed) => listed.id)).toEqual([order?.id]);
  });

  it('reports ready only while the catalog is reachable; UNAVAILABLE quickly while it is down', async () => {
    const token = newToken();
    const productId = catalog.addProduct({ stock: 5 });
    expect(await readyz()).toMatchObject({ status: 200, body: { checks: { database: 'ok', catalog: 'ok' } } });

    await catalog.stop();
    try {
      await eventually(async () => {
        const report = await readyz();
        expect(report.status).toBe(503);
        expect(report.body.checks.database).toBe('ok');
        expect(report.body.checks.catalog).not.toBe('ok');
      });
      const started = Date.now();
      await expect(
        place(token, { items: [{ productId, quantity: 1 }], idempotencyKey: 'catalog-down' }),
      ).rejects.toMatchObject({
        code: status.UNAVAILABLE,
      });
      expect(Date.now() - started).toBeLessThan(DEADLINE_MS);
    } finally {
      await catalog.start();
    }

    await eventually(async () => expect((await readyz()).status).toBe(200));
    const { order } = await place(token, { items: [{ productId, quantity: 1 }], idempotencyKey: 'catalog-down' });
    expect(order?.status).toBe(ordersV1.OrderStatus.ORDER_STATUS_CONFIRMED);
    expect(catalog.stockOf(productId)).toBe(4);
  });

  it('counts gRPC calls on the server and the client side in /metrics', async () => {
    const token = newToken();
    await place(token, { items: [{ productId: catalog.addProduct({}), quantity: 1 }] });
    await expect(rpc(orders.client, orders.client.listOrders, {}, undefined)).rejects.toMatchObject({
      code: status.UNAUTHENTICATED,
    });
    const text = await (await fetch(`${orders.opsUrl}/metrics`)).text();
    expect(text).toMatch(
      /grpc_server_handled_total\{grpc_service="platform\.orders\.v1\.OrdersService",grpc_method="PlaceOrder",grpc_code="OK",service="orders"\} [1-9]/,
    );
    expect(text).toMatch(
      /grpc_client_handled_total\{grpc_service="platform\.catalog\.v1\.CatalogService",grpc_method="ReserveStock",grpc_code="OK",service="orders"\} [1-9]/,
    );
    expect(text).toMatch(/grpc_server_handled_total\{[^}]*grpc_method="ListOrders",grpc_code="UNAUTHENTICATED"/);
  });
});
