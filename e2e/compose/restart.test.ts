// A domain service that dies (SIGKILL, no graceful shutdown) and starts again: the platform recovers by itself and
// nothing placed before is lost, because the state lives in PostgreSQL, not in the process.
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, newUser } from '../src/http-client.js';
import { container, docker, waitHealthy } from './docker-cli.js';

const baseUrl = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:8080';
const api = createApiClient(() => baseUrl);

/** Repeats a call until it answers the expected status (clients reconnect with backoff after a restart). */
async function eventually<T extends { status: number }>(
  call: () => Promise<T>,
  status: number,
  timeoutMs = 30_000,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const response = await call();
    if (response.status === status || Date.now() - started > timeoutMs) return response;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('restarting a domain service', () => {
  let user: Awaited<ReturnType<typeof newUser>>;
  let productId: string;

  beforeAll(async () => {
    user = await newUser(api, 'compose-restart');
    const products = await api('GET', '/api/catalog/products');
    expect(products.status).toBe(200);
    const product = (products.json.items as { id: string; stock: number }[]).find((item) => item.stock >= 5);
    if (!product) throw new Error('no demo product with stock left');
    productId = product.id;
  });

  it('orders killed with SIGKILL: the gateway answers a problem meanwhile, then every earlier order is back', async () => {
    const placed = await api('POST', '/api/orders', {
      token: user.accessToken,
      body: { items: [{ productId, quantity: 1 }] },
    });
    expect(placed.status).toBe(201);
    const cancelled = await api('POST', '/api/orders', {
      token: user.accessToken,
      body: { items: [{ productId, quantity: 2 }] },
    });
    expect(cancelled.status).toBe(201);
    expect((await api('POST', `/api/orders/${cancelled.json.id}/cancel`, { token: user.accessToken })).status).toBe(
      200,
    );

    const { Id } = await container('orders');
    await docker('kill', '--signal', 'KILL', Id);
    const down = await api('GET', '/api/orders', { token: user.accessToken });
    expect(down.status).toBeGreaterThanOrEqual(500);
    expect(down.headers.get('content-type')).toMatch(/application\/problem\+json/);
    // the rest of the platform keeps serving
    expect((await api('GET', '/api/catalog/products')).status).toBe(200);

    await docker('start', Id);
    await waitHealthy('orders');

    const again = await eventually(() => api('GET', `/api/orders/${placed.json.id}`, { token: user.accessToken }), 200);
    expect(again.status).toBe(200);
    expect(again.json).toEqual(placed.json);
    const list = await api('GET', '/api/orders', { token: user.accessToken });
    expect(list.status).toBe(200);
    const byId = new Map(
      (list.json.items as { id: string; status: string }[]).map((order) => [order.id, order.status]),
    );
    expect(byId.get(placed.json.id)).toBe('confirmed');
    expect(byId.get(cancelled.json.id)).toBe('cancelled');

    // and it works again end to end: orders -> catalog over gRPC, into PostgreSQL
    const next = await eventually(
      () => api('POST', '/api/orders', { token: user.accessToken, body: { items: [{ productId, quantity: 1 }] } }),
      201,
    );
    expect(next.status).toBe(201);
    expect(next.json.status).toBe('confirmed');
  });

  it('catalog restarted: stock taken by earlier orders stays taken', async () => {
    const before = await api('GET', `/api/catalog/products/${productId}`);
    expect(before.status).toBe(200);
    const placed = await api('POST', '/api/orders', {
      token: user.accessToken,
      body: { items: [{ productId, quantity: 1 }] },
    });
    expect(placed.status).toBe(201);

    const { Id } = await container('catalog');
    await docker('restart', '--time', '20', Id);
    await waitHealthy('catalog');
    // orders and the gateway call catalog: they are ready again without being restarted themselves
    await waitHealthy('orders');
    await waitHealthy('gateway');

    const after = await eventually(() => api('GET', `/api/catalog/products/${productId}`), 200);
    expect(after.status).toBe(200);
    expect(after.json.stock).toBe(before.json.stock - 1);
  });
});
