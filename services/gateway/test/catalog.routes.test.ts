// The public catalog routes against a real grpc-js CatalogService stand-in: mapping to the contract's JSON, the
// gRPC status table, deadlines, a downstream that goes away and comes back, and safe retries.
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayApp } from '../src/app.js';
import { type AuthStandIn, type GrpcStandIn, PRODUCTS, startAuthStandIn, startCatalogStandIn } from './downstreams.js';
import { buildTestGateway } from './gateway.js';

let auth: AuthStandIn;
let catalog: GrpcStandIn;
let gateway: GatewayApp;
const DEADLINE_MS = 1_000;

beforeAll(async () => {
  auth = await startAuthStandIn();
  catalog = await startCatalogStandIn();
  gateway = await buildTestGateway(
    {
      authUrl: auth.url,
      catalogAddress: catalog.address,
      ordersAddress: '127.0.0.1:1',
      jwksUrl: `${auth.url}/.well-known/jwks.json`,
    },
    { GRPC_DEADLINE_MS: String(DEADLINE_MS) },
  );
});

afterAll(async () => {
  await gateway.close();
  await catalog.stop();
  await auth.close();
});

beforeEach(() => {
  catalog.misbehave(undefined);
  catalog.calls.length = 0;
});

const product = PRODUCTS[0]!;

describe('GET /api/catalog/products', () => {
  it('lists the products in the contract shape', async () => {
    const response = await gateway.http.inject({ method: 'GET', url: '/api/catalog/products' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('application/json');
    expect(response.json()).toEqual({
      items: PRODUCTS.map(({ id, sku, name, description, priceCents, currency, stock }) => ({
        id,
        sku,
        name,
        description,
        priceCents,
        currency,
        stock,
      })),
    });
  });

  it('passes the request id on in metadata and keeps it in the answer, without a token on this public route', async () => {
    const response = await gateway.http.inject({
      method: 'GET',
      url: '/api/catalog/products',
      headers: { 'x-request-id': 'req-catalog-1' },
    });
    expect(response.headers['x-request-id']).toBe('req-catalog-1');
    expect(catalog.calls[0]?.metadata.get('x-request-id')).toEqual(['req-catalog-1']);
    expect(catalog.calls[0]?.metadata.get('authorization')).toEqual([]);
  });

  it('retries a read on UNAVAILABLE within the deadline, so one blip is not an error', async () => {
    catalog.misbehave({ fail: status.UNAVAILABLE, times: 1 });
    const response = await gateway.http.inject({ method: 'GET', url: '/api/catalog/products' });
    expect(response.statusCode).toBe(200);
    expect(catalog.calls.map((call) => call.method)).toEqual(['listProducts', 'listProducts']);
  });
});

describe('GET /api/catalog/products/:id', () => {
  it('answers one product', async () => {
    const response = await gateway.http.inject({ method: 'GET', url: `/api/catalog/products/${product.id}` });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      id: product.id,
      sku: product.sku,
      name: product.name,
      description: product.description,
      priceCents: product.priceCents,
      currency: product.currency,
      stock: product.stock,
    });
    expect(catalog.calls[0]?.request).toEqual({ id: product.id });
  });

  it('answers 404 problem details for an unknown product (NOT_FOUND)', async () => {
    catalog.misbehave({ fail: status.NOT_FOUND, details: 'no product has this id' });
    const response = await gateway.http.inject({ method: 'GET', url: '/api/catalog/products/nope' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ type: 'about:blank', status: 404, detail: 'no product has this id' });
  });

  const table: [keyof typeof status, number][] = [
    ['INVALID_ARGUMENT', 400],
    ['UNAUTHENTICATED', 401],
    ['PERMISSION_DENIED', 403],
    ['NOT_FOUND', 404],
    ['ALREADY_EXISTS', 409],
    ['ABORTED', 409],
    ['FAILED_PRECONDITION', 409],
    ['RESOURCE_EXHAUSTED', 429],
    ['UNAVAILABLE', 503],
    ['DEADLINE_EXCEEDED', 504],
    ['INTERNAL', 500],
    ['UNKNOWN', 500],
    ['UNIMPLEMENTED', 500],
    ['DATA_LOSS', 500],
    ['CANCELLED', 500],
    ['OUT_OF_RANGE', 500],
  ];
  it.each(table)('maps %s from the service to HTTP %i as problem details', async (name, httpStatus) => {
    catalog.misbehave({ fail: status[name], details: `internal detail of ${name}` });
    const response = await gateway.http.inject({ method: 'GET', url: `/api/catalog/products/${product.id}` });
    expect(response.statusCode).toBe(httpStatus);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const body = response.json();
    expect(body).toMatchObject({ type: 'about:blank', status: httpStatus });
    expect(typeof body.title).toBe('string');
    // a service's own text is shown for client errors only
    if (httpStatus < 500) expect(body.detail).toBe(`internal detail of ${name}`);
    else expect(body.detail).not.toContain('internal detail');
    if (httpStatus === 401) expect(response.headers['www-authenticate']).toMatch(/^Bearer /);
    if (httpStatus === 429 || httpStatus === 503) expect(response.headers['retry-after']).toMatch(/^\d+$/);
  });

  it('passes a Retry-After the service sent with RESOURCE_EXHAUSTED', async () => {
    catalog.misbehave({ fail: status.RESOURCE_EXHAUSTED, trailers: { 'retry-after': '7' } });
    const response = await gateway.http.inject({ method: 'GET', url: `/api/catalog/products/${product.id}` });
    expect(response.statusCode).toBe(429);
    expect(response.headers['retry-after']).toBe('7');
  });

  it('answers 504 within about the deadline when the service never answers', async () => {
    catalog.misbehave({ hang: true });
    const started = Date.now();
    const response = await gateway.http.inject({ method: 'GET', url: `/api/catalog/products/${product.id}` });
    const elapsed = Date.now() - started;
    expect(response.statusCode).toBe(504);
    expect(response.json()).toMatchObject({ status: 504 });
    expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS - 20);
    expect(elapsed).toBeLessThan(DEADLINE_MS + 2_500);
  });
});

describe('conditional reads: ETag, Cache-Control, If-None-Match', () => {
  it('answers 200 with a strong ETag, 304 with no body to a matching If-None-Match, a new ETag after stock changes', async () => {
    const url = `/api/catalog/products/${product.id}`;
    const first = await gateway.http.inject({ method: 'GET', url });
    expect(first.statusCode).toBe(200);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(first.headers['cache-control']).toBe('public, no-cache');

    const revalidated = await gateway.http.inject({ method: 'GET', url, headers: { 'if-none-match': etag } });
    expect(revalidated.statusCode).toBe(304);
    expect(revalidated.body).toBe('');
    expect(revalidated.headers.etag).toBe(etag);
    expect(revalidated.headers['cache-control']).toBe('public, no-cache');
    // a list naming it, and the weak form of it, match too (If-None-Match compares weakly)
    for (const listed of [`"other", ${etag}`, `W/${etag}`, '*']) {
      const again = await gateway.http.inject({ method: 'GET', url, headers: { 'if-none-match': listed } });
      expect(again.statusCode).toBe(304);
    }

    const stock = product.stock;
    product.stock = stock - 1;
    try {
      const changed = await gateway.http.inject({ method: 'GET', url, headers: { 'if-none-match': etag } });
      expect(changed.statusCode).toBe(200);
      expect(changed.json()).toMatchObject({ id: product.id, stock: stock - 1 });
      expect(changed.headers.etag).not.toBe(etag);
      const list = await gateway.http.inject({ method: 'GET', url: '/api/catalog/products' });
      const listAgain = await gateway.http.inject({
        method: 'GET',
        url: '/api/catalog/products',
        headers: { 'if-none-match': list.headers.etag as string },
      });
      expect(listAgain.statusCode).toBe(304);
    } finally {
      product.stock = stock;
    }
  });

  it('never answers an error with an ETag or a 304, and keeps it out of the store', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    catalog.misbehave({ fail: status.NOT_FOUND, details: 'no product has this id', times: 2 });
    const response = await gateway.http.inject({ method: 'GET', url: `/api/catalog/products/${missing}` });
    expect(response.statusCode).toBe(404);
    expect(response.headers.etag).toBeUndefined();
    expect(response.headers['cache-control']).toBe('no-store');
    const conditional = await gateway.http.inject({
      method: 'GET',
      url: `/api/catalog/products/${missing}`,
      headers: { 'if-none-match': '*' },
    });
    expect(conditional.statusCode).toBe(404);
  });
});

describe('when the catalog goes away', () => {
  it('answers 503 quickly while it is down and recovers when it is back', async () => {
    await catalog.stop();
    try {
      const started = Date.now();
      const down = await gateway.http.inject({ method: 'GET', url: '/api/catalog/products' });
      expect(down.statusCode).toBe(503);
      expect(down.json()).toMatchObject({ status: 503 });
      expect(down.headers['retry-after']).toBeDefined();
      // well before the deadline: no waiting for a connection that cannot be made
      expect(Date.now() - started).toBeLessThan(DEADLINE_MS);
    } finally {
      await catalog.start();
    }
    // the channel reconnects with a backoff of at most 2 s (service-kit's clientChannelOptions)
    const deadline = Date.now() + 5_000;
    let statusCode = 0;
    while (Date.now() < deadline) {
      statusCode = (await gateway.http.inject({ method: 'GET', url: '/api/catalog/products' })).statusCode;
      if (statusCode === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(statusCode).toBe(200);
  });

  it('keeps the gateway ready: only the JWKS decides readiness', async () => {
    await catalog.stop();
    try {
      const response = await gateway.http.inject({ method: 'GET', url: '/readyz' });
      expect(response.statusCode).toBe(200);
      expect(response.json().checks).toEqual({ 'auth-jwks': 'ok' });
    } finally {
      await catalog.start();
    }
  });
});
