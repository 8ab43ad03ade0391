// The assembled service: demo data seeded once, the ops endpoints, gRPC health, and a shutdown that turns health
// NOT_SERVING and readiness 503 while calls drain. Runs on the embedded server and, when set, a real PostgreSQL.
import { credentials } from '@grpc/grpc-js';
import { healthV1 } from '@platform/contracts';
import { createLogger } from '@platform/service-kit';
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from '@platform/test-databases';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppConfig, buildApp, CATALOG_SERVICE, type CatalogApp } from '../src/app.js';
import { demoProducts } from '../src/demo-products.js';
import { connectCatalog } from './catalog-client.js';

const { ServingStatus } = { ServingStatus: healthV1.HealthCheckResponse_ServingStatus };
const logger = createLogger({ service: 'catalog', level: 'silent' });

describe.each(testDatabaseKinds())('catalog app on %s', (kind) => {
  let database: TestDatabase;
  let config: AppConfig;
  const opened: CatalogApp[] = [];

  async function start() {
    const app = await buildApp(config, { logger });
    opened.push(app);
    const ports = await app.listen();
    const grpcAddress = `127.0.0.1:${ports.grpc}`;
    return { app, grpcAddress, client: connectCatalog(grpcAddress), opsUrl: `http://127.0.0.1:${ports.http}` };
  }

  async function stop(app: CatalogApp): Promise<void> {
    opened.splice(opened.indexOf(app), 1);
    await app.close();
  }

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    config = {
      HOST: '127.0.0.1',
      GRPC_PORT: 0,
      OPS_PORT: 0,
      DATABASE_URL: database.url,
      SEED_DEMO_DATA: true,
      // nothing here verifies a token, so no issuer needs to be reachable
      JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json',
      PUBLIC_URL: 'http://localhost:8080',
      SERVICE_TOKEN_AUDIENCE: 'catalog',
      STOCK_CLIENTS: 'orders',
      STOCK_HOLD_TTL_MS: 30_000,
      STOCK_HOLD_SWEEP_INTERVAL_MS: 5_000,
      PRODUCT_CACHE: true,
      WATCH_HEARTBEAT_MS: 2_000,
      SHUTDOWN_TIMEOUT_MS: 4_000,
    };
  }, 120_000);

  afterAll(async () => {
    for (const app of opened) await app.close();
    await database?.close();
  });

  it('seeds the demo products on first start only: a restart adds nothing back and keeps stock', async () => {
    const first = await start();
    const { products } = await first.client.listProducts();
    expect(products.map((product) => product.sku)).toEqual(demoProducts.map((product) => product.sku).sort());
    const [kept, removed] = products;
    await first.app.pool.query('UPDATE catalog.products SET stock = 7 WHERE id = $1', [kept!.id]);
    await first.app.pool.query('DELETE FROM catalog.products WHERE id = $1', [removed!.id]);
    first.client.close();
    await stop(first.app);

    const second = await start();
    const after = (await second.client.listProducts()).products;
    expect(after).toHaveLength(demoProducts.length - 1);
    expect(after.find((product) => product.id === kept!.id)?.stock).toBe(7);
    expect(after.some((product) => product.id === removed!.id)).toBe(false);
    second.client.close();
  });

  it('serves /healthz, /readyz (database checked) and /metrics with gRPC counts per method and code', async () => {
    const { client, opsUrl } = await start();
    await client.listProducts();
    await client.getProduct(demoProducts[0]!.id);
    await expect(client.getProduct('no-such-product')).rejects.toThrow();
    client.close();

    expect((await fetch(`${opsUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${opsUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { database: 'ok' } });

    const metrics = await (await fetch(`${opsUrl}/metrics`)).text();
    const series = (method: string, code: string) =>
      `grpc_server_handled_total{grpc_service="${CATALOG_SERVICE}",grpc_method="${method}",grpc_code="${code}",service="catalog"} 1`;
    expect(metrics).toContain(series('ListProducts', 'OK'));
    expect(metrics).toContain(series('GetProduct', 'OK'));
    expect(metrics).toContain(series('GetProduct', 'NOT_FOUND'));
    expect(metrics).toContain('grpc_server_handling_seconds_bucket');
    expect(metrics).toContain('process_cpu_seconds_total');
  });

  it('reports SERVING for the catalog service, then NOT_SERVING and /readyz 503 once shutdown begins', async () => {
    const { app, client, grpcAddress, opsUrl } = await start();
    expect(CATALOG_SERVICE).toBe('platform.catalog.v1.CatalogService');
    expect(await client.health(CATALOG_SERVICE)).toBe(ServingStatus.SERVING);
    expect(await client.health('')).toBe(ServingStatus.SERVING);
    client.close();

    const health = new healthV1.HealthClient(grpcAddress, credentials.createInsecure());
    const seen: healthV1.HealthCheckResponse_ServingStatus[] = [];
    const stream = health.watch({ service: CATALOG_SERVICE });
    const notServing = new Promise<void>((resolve, reject) => {
      stream.on('data', (response: healthV1.HealthCheckResponse) => {
        seen.push(response.status);
        if (response.status === ServingStatus.NOT_SERVING) resolve();
      });
      stream.on('error', (error) => (seen.includes(ServingStatus.NOT_SERVING) ? undefined : reject(error)));
    });
    await new Promise((resolve) => setTimeout(resolve, 100));

    const closing = stop(app);
    await notServing;
    // the open watch is an in-flight call: the drain waits for it, and meanwhile the ops port says not ready
    const ready = await fetch(`${opsUrl}/readyz`);
    expect(ready.status).toBe(503);
    stream.cancel();
    await closing;
    health.close();
    expect(seen).toEqual([ServingStatus.SERVING, ServingStatus.NOT_SERVING]);
  });
});
