// The benchmark's HTTP/1.1 catalog client against a node:http stand-in of the catalog's HTTP face: the answers, the
// request id passed on, and failures turned into the same kinds as a gRPC status would be (404 kept, 503, 504).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DomainError } from '@platform/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CatalogHttpClient, createCatalogHttpClient } from './catalog-http-client.js';

const product = {
  id: '3c94b47e-5d93-44e2-aaa0-b97c7c3c0766',
  sku: 'BACKPACK-ROLLTOP-20L',
  name: 'Roll-top backpack 20 L',
  description: 'Waterproof',
  priceCents: 8999,
  currency: 'EUR',
  stock: 80,
};

let catalog: Server;
let client: CatalogHttpClient;
const seen: IncomingMessage[] = [];
let hang = false;

beforeAll(async () => {
  catalog = createServer((request, response) => {
    seen.push(request);
    if (hang) return;
    const json = (status: number, body: unknown) =>
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (request.url === '/internal/products') return json(200, { items: [product] });
    if (request.url === `/internal/products/${product.id}`) return json(200, product);
    json(404, { status: 404, title: 'Not Found', detail: 'product "x" does not exist' });
  });
  await new Promise<void>((resolve) => catalog.listen(0, '127.0.0.1', resolve));
  const { port } = catalog.address() as AddressInfo;
  client = createCatalogHttpClient({ baseUrl: `http://127.0.0.1:${port}`, deadlineMs: 300 });
});

afterAll(async () => {
  await client.close();
  catalog.closeAllConnections();
  await new Promise((resolve) => catalog.close(resolve));
});

describe('the catalog reads over HTTP/1.1', () => {
  it('lists and gets products, passing the request id on', async () => {
    expect(await client.listProducts({}, { requestId: 'req-over-http' })).toEqual({ products: [product] });
    expect(seen.at(-1)?.headers['x-request-id']).toBe('req-over-http');
    expect(await client.getProduct({ id: product.id }, { requestId: 'r' })).toEqual({ product });
  });

  it("keeps the catalog's 404 with its detail, as a not-found failure", async () => {
    const missing = await client.getProduct({ id: 'x' }, { requestId: 'r' }).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(DomainError);
    expect(missing).toMatchObject({ kind: 'not-found', message: 'product "x" does not exist' });
  });

  it('is a deadline failure when the catalog does not answer in time, unavailable when it cannot be reached', async () => {
    hang = true;
    try {
      await expect(client.listProducts({}, { requestId: 'r' })).rejects.toMatchObject({ kind: 'deadline' });
    } finally {
      hang = false;
    }
    const unreachable = createCatalogHttpClient({ baseUrl: 'http://127.0.0.1:1', deadlineMs: 300 });
    try {
      await expect(unreachable.listProducts({}, { requestId: 'r' })).rejects.toMatchObject({ kind: 'unavailable' });
    } finally {
      await unreachable.close();
    }
  });
});
