// Service identity without a mesh, against the real processes: catalog's stock RPCs, called directly on its gRPC
// port with a real grpc-js client, refuse an end user's access token and take the orders service's own token from
// auth's client-credentials grant; that grant is not reachable through the gateway.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { credentials, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { catalogV1 } from '@platform/contracts';
import { clientSecretFile, offsetPorts, secretsDirectory } from '@platform/launcher';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, newUser } from '../src/http-client.js';
import { PORT_OFFSET, preferredDatabase, startTestPlatform, type TestPlatform } from '../src/test-platform.js';

const ports = offsetPorts(PORT_OFFSET);
let platform: TestPlatform;
let catalog: catalogV1.CatalogServiceClient;
const api = createApiClient(() => platform.gatewayUrl);

beforeAll(async () => {
  platform = await startTestPlatform({ database: preferredDatabase() });
  catalog = new catalogV1.CatalogServiceClient(`127.0.0.1:${ports.catalogGrpc}`, credentials.createInsecure());
}, 180_000);
afterAll(async () => {
  catalog?.close();
  await platform?.close();
});

function call<Request, Response>(
  method: (
    request: Request,
    metadata: Metadata,
    callback: (error: ServiceError | null, response: Response) => void,
  ) => unknown,
  request: Request,
  token: string,
): Promise<Response> {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return new Promise((resolve, reject) =>
    method.call(catalog, request, metadata, (error, response) => (error ? reject(error) : resolve(response))),
  );
}

/** What the orders service does: client credentials at auth's own port, with the secret the launcher generated. */
async function ordersServiceToken(): Promise<string> {
  const secret = await readFile(join(secretsDirectory(platform.dataDir), clientSecretFile('orders')), 'utf8');
  const response = await fetch(`http://127.0.0.1:${ports.auth}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`orders:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

const stockOf = async (productId: string) =>
  (await api('GET', `/api/catalog/products/${productId}`)).json.stock as number;

describe('catalog stock RPCs on their own port', () => {
  it('refuse a registered user’s access token: nothing can be reserved or released with it', async () => {
    const user = await newUser(api, 'drainer');
    const productId = (await api('GET', '/api/catalog/products')).json.items[0].id as string;
    const before = await stockOf(productId);
    const reservationId = crypto.randomUUID();

    const reserve = call(
      catalog.reserveStock,
      { reservationId, lines: [{ productId, quantity: 5 }] },
      user.accessToken,
    ).catch((error: ServiceError) => error);
    expect(await reserve).toMatchObject({ code: status.UNAUTHENTICATED });
    // an order of the user's own, and its reservation id, are no way in either
    const order = await api('POST', '/api/orders', {
      token: user.accessToken,
      body: { items: [{ productId, quantity: 1 }] },
    });
    expect(order.status).toBe(201);
    for (const attempt of [
      call(catalog.releaseStock, { reservationId: order.json.id }, user.accessToken),
      call(catalog.confirmStock, { reservationId: order.json.id }, user.accessToken),
    ]) {
      await expect(attempt).rejects.toMatchObject({ code: status.UNAUTHENTICATED });
    }
    expect(await stockOf(productId)).toBe(before - 1);
  });

  it('take the orders service’s own token: hold, confirm and release', async () => {
    const token = await ordersServiceToken();
    const productId = (await api('GET', '/api/catalog/products')).json.items[1].id as string;
    const before = await stockOf(productId);
    const reservationId = crypto.randomUUID();

    const held = await call<catalogV1.ReserveStockRequest, catalogV1.ReserveStockResponse>(
      catalog.reserveStock,
      { reservationId, lines: [{ productId, quantity: 3 }] },
      token,
    );
    expect(held.expiresAt).toBeInstanceOf(Date);
    expect(await stockOf(productId)).toBe(before - 3);
    expect(await call(catalog.confirmStock, { reservationId }, token)).toEqual({ confirmed: true });
    expect(await call(catalog.releaseStock, { reservationId }, token)).toEqual({ released: true });
    expect(await stockOf(productId)).toBe(before);
  });

  it('are not reachable through the gateway, nor is the token endpoint', async () => {
    const token = await api('POST', '/oauth/token', {
      raw: 'grant_type=client_credentials',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(token.status).toBe(404);
  });
});
