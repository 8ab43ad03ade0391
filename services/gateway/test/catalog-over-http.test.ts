// CATALOG_TRANSPORT=http: the public catalog routes read from catalog's HTTP/1.1 JSON face instead of gRPC, with the
// same answers, the request id passed on, and failures mapped as for gRPC (404 kept, 503 unreachable, 504 slow).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayApp } from '../src/app.js';
import { type AuthStandIn, PRODUCTS, startAuthStandIn } from './downstreams.js';
import { buildTestGateway } from './gateway.js';

const items = PRODUCTS.map(({ id, sku, name, description, priceCents, currency, stock }) => ({
  id,
  sku,
  name,
  description,
  priceCents,
  currency,
  stock,
}));

let auth: AuthStandIn;
let catalog: Server;
let gateway: GatewayApp;
const seen: IncomingMessage[] = [];
let hang = false;

beforeAll(async () => {
  auth = await startAuthStandIn();
  catalog = createServer((request, response) => {
    seen.push(request);
    if (hang) return;
    const json = (status: number, body: unknown, type = 'application/json') =>
      response.writeHead(status, { 'content-type': type }).end(JSON.stringify(body));
    if (request.url === '/internal/products') return json(200, { items });
    if (request.url === `/internal/products/${items[0]!.id}`) return json(200, items[0]);
    json(404, { status: 404, title: 'Not Found', detail: 'product "x" does not exist' }, 'application/problem+json');
  });
  await new Promise<void>((resolve) => catalog.listen(0, '127.0.0.1', resolve));
  gateway = await buildTestGateway(
    {
      authUrl: auth.url,
      catalogAddress: '127.0.0.1:1',
      ordersAddress: '127.0.0.1:1',
      jwksUrl: `${auth.url}/.well-known/jwks.json`,
    },
    {
      CATALOG_TRANSPORT: 'http',
      CATALOG_HTTP_URL: `http://127.0.0.1:${(catalog.address() as AddressInfo).port}`,
      GRPC_DEADLINE_MS: '300',
    },
  );
});

afterAll(async () => {
  await gateway.close();
  catalog.closeAllConnections();
  await new Promise((resolve) => catalog.close(resolve));
  await auth.close();
});

describe('catalog over HTTP/1.1', () => {
  it('lists the products in the contract shape and passes the request id on', async () => {
    const response = await gateway.inject({
      method: 'GET',
      url: '/api/catalog/products',
      headers: { 'x-request-id': 'req-over-http' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ items });
    expect(seen.at(-1)?.headers['x-request-id']).toBe('req-over-http');
  });

  it('gets one product, and keeps catalog 404 as a problem with its detail', async () => {
    expect((await gateway.inject({ method: 'GET', url: `/api/catalog/products/${items[0]!.id}` })).json()).toEqual(
      items[0],
    );
    const missing = await gateway.inject({ method: 'GET', url: '/api/catalog/products/x' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    expect(missing.json().detail).toBe('product "x" does not exist');
  });

  it('answers 504 when catalog does not answer within the deadline', async () => {
    hang = true;
    try {
      const response = await gateway.inject({ method: 'GET', url: '/api/catalog/products' });
      expect(response.statusCode).toBe(504);
    } finally {
      hang = false;
    }
  });

  it('answers 503 with Retry-After when catalog cannot be reached', async () => {
    const unreachable = await buildTestGateway(
      { authUrl: auth.url, catalogAddress: '127.0.0.1:1', ordersAddress: '127.0.0.1:1', jwksUrl: auth.url },
      { CATALOG_TRANSPORT: 'http', CATALOG_HTTP_URL: 'http://127.0.0.1:1' },
    );
    try {
      const response = await unreachable.inject({ method: 'GET', url: '/api/catalog/products' });
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('1');
    } finally {
      await unreachable.close();
    }
  });
});
