// `npm start`'s promise: data under DATA_DIR survives a stop and a start of the whole platform.
import { rm } from 'node:fs/promises';
import { afterAll, expect, it } from 'vitest';
import { createApiClient, newUser } from '../src/http-client.js';
import { makeDataDir, startTestPlatform, type TestPlatform } from '../src/test-platform.js';

let platform: TestPlatform | undefined;
const dataDir = await makeDataDir('platform-persist-');
const api = createApiClient(() => platform?.gatewayUrl ?? '');

afterAll(async () => {
  await platform?.close();
  await rm(dataDir, { recursive: true, force: true });
});

it('keeps users, orders, stock and signing keys across a restart of the whole platform', async () => {
  platform = await startTestPlatform({ database: 'embedded', dataDir });
  const user = await newUser(api, 'keeper');
  const product = (await api('GET', '/api/catalog/products')).json.items[0];
  const order = await api('POST', '/api/orders', {
    token: user.accessToken,
    body: { items: [{ productId: product.id, quantity: 1 }] },
  });
  expect(order.status).toBe(201);
  const stockAfterOrder = (await api('GET', `/api/catalog/products/${product.id}`)).json.stock;
  await platform.close();

  platform = await startTestPlatform({ database: 'embedded', dataDir });
  // the access token issued before the restart still verifies: the signing key was kept
  const before = await api('GET', '/api/orders', { token: user.accessToken });
  expect(before.status).toBe(200);
  expect(before.json.items.map((o: { id: string }) => o.id)).toEqual([order.json.id]);
  const login = await api('POST', '/api/auth/login', { body: { email: user.email, password: user.password } });
  expect(login.status).toBe(200);
  expect((await api('GET', `/api/catalog/products/${product.id}`)).json.stock).toBe(stockAfterOrder);
}, 240_000);
