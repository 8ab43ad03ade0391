// Two catalog replicas on one real PostgreSQL, each with its product reads in memory: a stock change made through
// one is read by that one at once and by the other once the notification reached it; a replica whose LISTEN
// connection is killed reads the database (never its old copy) until it listens again. WatchProducts tells a reader
// of one replica about all of it.
import { randomUUID } from 'node:crypto';
import type { catalogV1 } from '@platform/contracts';
import { createLogger } from '@platform/service-kit';
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from '@platform/test-databases';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AppConfig, buildApp, type CatalogApp } from '../src/app.js';
import { demoProducts } from '../src/demo-products.js';
import { type CatalogTestClient, connectCatalog } from './catalog-client.js';

const logger = createLogger({ service: 'catalog', level: 'silent' });
const product = demoProducts[0]!;

describe.each(testDatabaseKinds())('two catalog replicas with product caches on %s', (kind) => {
  let database: TestDatabase;
  const replicas: { app: CatalogApp; client: CatalogTestClient }[] = [];

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    const config: AppConfig = {
      HOST: '127.0.0.1',
      GRPC_PORT: 0,
      OPS_PORT: 0,
      DATABASE_URL: database.url,
      SEED_DEMO_DATA: true,
      // stock changes go through the apps' own products service here: no token is verified
      JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json',
      PUBLIC_URL: 'http://localhost:8080',
      SERVICE_TOKEN_AUDIENCE: 'catalog',
      STOCK_CLIENTS: 'orders',
      STOCK_HOLD_TTL_MS: 60_000,
      STOCK_HOLD_SWEEP_INTERVAL_MS: 600_000,
      PRODUCT_CACHE: true,
      WATCH_HEARTBEAT_MS: 2_000,
      SHUTDOWN_TIMEOUT_MS: 4_000,
    };
    for (let i = 0; i < 2; i++) {
      const app = await buildApp(config, { logger });
      const ports = await app.listen();
      replicas.push({ app, client: connectCatalog(`127.0.0.1:${ports.grpc}`) });
    }
  }, 120_000);

  afterAll(async () => {
    for (const { app, client } of replicas) {
      client.close();
      await app.close();
    }
    await database?.close();
  });

  const stockSeenBy = async (replica: number) =>
    (await replicas[replica]!.client.getProduct(product.id)).product?.stock;
  const listedStockSeenBy = async (replica: number) =>
    (await replicas[replica]!.client.listProducts()).products.find((p) => p.id === product.id)?.stock;

  it('a write through one replica is read by it at once, and by the other after the notification', async () => {
    const a = replicas[0]!;
    const before = await stockSeenBy(0);
    expect(await stockSeenBy(1)).toBe(before);
    expect(a.app.productCache?.listening).toBe(true);
    expect(replicas[1]!.app.productCache?.listening).toBe(true);

    const reservation = randomUUID();
    await a.app.products.reserveStock('orders', reservation, [{ productId: product.id, quantity: 3 }]);
    // read-your-writes on the replica that wrote: no waiting for any notification
    expect(await stockSeenBy(0)).toBe(before! - 3);
    expect(await listedStockSeenBy(0)).toBe(before! - 3);
    await vi.waitFor(async () => expect(await listedStockSeenBy(1)).toBe(before! - 3));
    expect(await stockSeenBy(1)).toBe(before! - 3);

    // and back the other way: a release through the second replica
    expect(await replicas[1]!.app.products.releaseStock('orders', reservation)).toBe(true);
    expect(await stockSeenBy(1)).toBe(before);
    await vi.waitFor(async () => expect(await stockSeenBy(0)).toBe(before));
  });

  it('a replica whose LISTEN connection is killed reads the database, not its old copy, until it listens again', async () => {
    const [a, b] = [replicas[0]!, replicas[1]!];
    const before = await stockSeenBy(1); // b holds a copy
    const cache = b.app.productCache!;
    const listener = cache.listenerPid;
    await a.app.pool.query('SELECT pg_terminate_backend($1)', [listener]);
    await vi.waitFor(() => expect(cache.listenerPid).not.toBe(listener));

    // a change b cannot hear about while its connection is gone: b's next read has it all the same
    const reservation = randomUUID();
    await a.app.products.reserveStock('orders', reservation, [{ productId: product.id, quantity: 2 }]);
    expect(await stockSeenBy(1)).toBe(before! - 2);
    expect(await listedStockSeenBy(1)).toBe(before! - 2);

    // it listens again by itself (after a second), and notifications reach it again
    await vi.waitFor(() => expect(cache.listening).toBe(true), { timeout: 10_000 });
    await a.app.products.releaseStock('orders', reservation);
    await vi.waitFor(async () => expect(await stockSeenBy(1)).toBe(before));
  });

  it('WatchProducts tells a reader of one replica of a write through the other, of a lost LISTEN, and beats', async () => {
    const [a, b] = [replicas[0]!, replicas[1]!];
    const messages: catalogV1.WatchProductsResponse[] = [];
    const stream = b.client.watchProducts();
    stream.on('data', (message: catalogV1.WatchProductsResponse) => messages.push(message));
    stream.on('error', () => {});
    try {
      await vi.waitFor(() => expect(messages.at(-1)?.coherent).toBe(true), { timeout: 10_000 });
      const first = messages.at(-1)!;
      expect(first.heartbeatMs).toBe(2_000);

      // a write through a reaches b by NOTIFY, and b's reader by a new version
      const reservation = randomUUID();
      await a.app.products.reserveStock('orders', reservation, [{ productId: product.id, quantity: 1 }]);
      await vi.waitFor(() => expect(messages.some((m) => m.coherent && m.version !== first.version)).toBe(true));

      // while b cannot hear of changes, it says so; then it is coherent again under yet another version
      const seen = messages.length;
      await a.app.pool.query('SELECT pg_terminate_backend($1)', [b.app.productCache!.listenerPid]);
      await vi.waitFor(() => expect(messages.slice(seen).some((m) => !m.coherent)).toBe(true));
      await vi.waitFor(() => expect(messages.at(-1)?.coherent).toBe(true), { timeout: 10_000 });
      const versions = new Set(messages.filter((m) => m.coherent).map((m) => m.version));
      expect(versions.size).toBeGreaterThanOrEqual(3);

      // nothing changes: the same version again, as a heartbeat
      const quiet = messages.length;
      await vi.waitFor(() => expect(messages.length).toBeGreaterThan(quiet), { timeout: 5_000 });
      expect(messages.at(-1)!.version).toBe(messages[quiet - 1]!.version);
      await a.app.products.releaseStock('orders', reservation);
    } finally {
      stream.cancel();
    }
  });
});
