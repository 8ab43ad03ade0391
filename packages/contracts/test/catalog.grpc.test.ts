// The generated catalog code against a real grpc-js server: every field survives the wire, int64 arrives as number.
import { credentials, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogV1 } from '../src/index.js';
import { call, type RunningServer, startServer } from './test-server.js';

const product: catalogV1.Product = {
  id: '5b0d6a5e-7f2c-4f6e-9d1a-2f3c4b5a6d7e',
  sku: 'TSHIRT-BLUE-M',
  name: 'Blue T-shirt',
  description: 'Cotton, medium',
  // above 2^32 so a 32-bit truncation or a Long object would show
  priceCents: Number.MAX_SAFE_INTEGER,
  currency: 'EUR',
  stock: 2_147_483_647,
};

// a fixed hold expiry with milliseconds, so a truncation to seconds would show
const expiresAt = new Date('2030-01-02T03:04:05.678Z');

const catalog: catalogV1.CatalogServiceServer = {
  listProducts: (_call, callback) => callback(null, { products: [product] }),
  getProduct: (call, callback) =>
    call.request.id === product.id
      ? callback(null, { product })
      : callback({ code: status.NOT_FOUND, details: `product ${call.request.id} not found` }),
  reserveStock: (call, callback) => {
    const authorization = call.metadata.get('authorization')[0];
    if (authorization !== 'Bearer test-token') return callback({ code: status.UNAUTHENTICATED, details: 'no token' });
    callback(null, {
      reservationId: call.request.reservationId,
      lines: call.request.lines.map((line) => ({ ...line, unitPriceCents: 1999, currency: 'EUR' })),
      expiresAt,
    });
  },
  confirmStock: (call, callback) =>
    call.request.reservationId === 'order-1'
      ? callback(null, { confirmed: true })
      : callback({ code: status.FAILED_PRECONDITION, details: 'the hold has expired' }),
  releaseStock: (call, callback) => callback(null, { released: call.request.reservationId === 'order-1' }),
  watchProducts: (call) => {
    call.write({ version: 'a.1', coherent: true, heartbeatMs: 2_000 });
    call.write({ version: '', coherent: false, heartbeatMs: 2_000 });
    call.end();
  },
};

describe('catalog.v1 generated code over grpc-js', () => {
  let running: RunningServer;
  let client: catalogV1.CatalogServiceClient;
  const auth = new Metadata();
  auth.set('authorization', 'Bearer test-token');

  beforeAll(async () => {
    running = await startServer((server) => server.addService(catalogV1.CatalogServiceService, catalog));
    client = new catalogV1.CatalogServiceClient(running.address, credentials.createInsecure());
  });
  afterAll(async () => {
    client.close();
    await running.close();
  });

  it('names the service as the proto does, so health checks can refer to it', () => {
    expect(catalogV1.CatalogServiceClient.serviceName).toBe('platform.catalog.v1.CatalogService');
    expect(catalogV1.CatalogServiceService.reserveStock.path).toBe('/platform.catalog.v1.CatalogService/ReserveStock');
  });

  it('round-trips every product field, int64 as a plain number', async () => {
    const listed = await call(client, client.listProducts, {}, new Metadata());
    expect(listed.products).toEqual([product]);
    expect(typeof listed.products[0]?.priceCents).toBe('number');

    const got = await call(client, client.getProduct, { id: product.id }, new Metadata());
    expect(got.product).toEqual(product);
  });

  it('carries a status code and message from server to client', async () => {
    const error = await call(client, client.getProduct, { id: 'missing' }, new Metadata()).catch((e) => e);
    expect((error as ServiceError).code).toBe(status.NOT_FOUND);
    expect((error as ServiceError).details).toBe('product missing not found');
  });

  it('holds lines with their prices and expiry, and passes the authorization metadata', async () => {
    const request: catalogV1.ReserveStockRequest = {
      reservationId: 'order-1',
      lines: [
        { productId: 'p-1', quantity: 2 },
        { productId: 'p-2', quantity: 1 },
      ],
    };
    const reserved = await call(client, client.reserveStock, request, auth);
    expect(reserved).toEqual({
      reservationId: 'order-1',
      lines: [
        { productId: 'p-1', quantity: 2, unitPriceCents: 1999, currency: 'EUR' },
        { productId: 'p-2', quantity: 1, unitPriceCents: 1999, currency: 'EUR' },
      ],
      expiresAt,
    });

    const anonymous = await call(client, client.reserveStock, request, new Metadata()).catch((e) => e);
    expect((anonymous as ServiceError).code).toBe(status.UNAUTHENTICATED);
  });

  it('confirms a hold, and carries the refusal of an expired one', async () => {
    await expect(call(client, client.confirmStock, { reservationId: 'order-1' }, auth)).resolves.toEqual({
      confirmed: true,
    });
    const expired = await call(client, client.confirmStock, { reservationId: 'order-2' }, auth).catch((e) => e);
    expect((expired as ServiceError).code).toBe(status.FAILED_PRECONDITION);
  });

  it('reports whether a release put stock back', async () => {
    await expect(call(client, client.releaseStock, { reservationId: 'order-1' }, auth)).resolves.toEqual({
      released: true,
    });
    await expect(call(client, client.releaseStock, { reservationId: 'unknown' }, auth)).resolves.toEqual({
      released: false,
    });
  });

  it('streams the watch messages in order, each field as sent', async () => {
    const received: catalogV1.WatchProductsResponse[] = [];
    await new Promise<void>((resolve, reject) => {
      const stream = client.watchProducts({});
      stream.on('data', (message: catalogV1.WatchProductsResponse) => received.push(message));
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    expect(received).toEqual([
      { version: 'a.1', coherent: true, heartbeatMs: 2_000 },
      { version: '', coherent: false, heartbeatMs: 2_000 },
    ]);
  });

  it('refuses an int64 beyond what a number can hold exactly instead of rounding it', () => {
    const bytes = catalogV1.Product.encode({ ...product, priceCents: 2 ** 53 + 2 }).finish();
    expect(() => catalogV1.Product.decode(bytes)).toThrow();
  });
});
