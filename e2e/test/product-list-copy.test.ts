// The gateway's copy of the product list against the real catalog: reads come from it once catalog's WatchProducts
// says it may be kept, a write through the gateway is read back at once, a change made behind everyone's back (an
// operator's SQL) reaches it by notification, and a killed catalog never leaves it stale.
import pg from 'pg';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createApiClient, newUser } from '../src/http-client.js';
import { scrapeMetric } from '../src/metrics-scrape.js';
import { startTestPlatform, type TestPlatform } from '../src/test-platform.js';

let platform: TestPlatform;
const api = createApiClient(() => platform.gatewayUrl);
const metrics = () => `${platform.gatewayUrl}/metrics`;
const copyLive = async () => scrapeMetric(metrics(), 'gateway_product_list_copy_live');
const readsFrom = async (source: 'copy' | 'catalog') =>
  scrapeMetric(metrics(), 'gateway_product_list_reads_total', { source });

interface Product {
  id: string;
  stock: number;
}
const listedStock = async (id: string): Promise<number> => {
  const answer = await api<{ items: Product[] }>('GET', '/api/catalog/products');
  expect(answer.status).toBe(200);
  return answer.json.items.find((product) => product.id === id)!.stock;
};
const operatorSql = async (text: string, values: unknown[]) => {
  const client = new pg.Client({ connectionString: platform.databaseUrls.catalog });
  await client.connect();
  try {
    await client.query(text, values);
  } finally {
    await client.end();
  }
};

beforeAll(async () => {
  platform = await startTestPlatform({ database: 'embedded' });
}, 180_000);

afterAll(async () => {
  await platform?.close();
});

it('answers product list reads from its copy once catalog says it may keep one', async () => {
  await vi.waitFor(async () => expect(await copyLive()).toBe(1), { timeout: 10_000 });
  await api('GET', '/api/catalog/products');
  const before = { copy: await readsFrom('copy'), catalog: await readsFrom('catalog') };
  for (let i = 0; i < 5; i++) await api('GET', '/api/catalog/products');
  expect(await readsFrom('copy')).toBe(before.copy + 5);
  expect(await readsFrom('catalog')).toBe(before.catalog);
});

it('reads an order back at once: the stock it took, and the stock a cancel gave back', async () => {
  const user = await newUser(api, 'copy-reader');
  const product = (await api<{ items: Product[] }>('GET', '/api/catalog/products')).json.items[0]!;
  const stock = await listedStock(product.id);
  const order = await api('POST', '/api/orders', {
    token: user.accessToken,
    body: { items: [{ productId: product.id, quantity: 2 }] },
  });
  expect(order.status).toBe(201);
  expect(await listedStock(product.id)).toBe(stock - 2);
  expect((await api<Product>('GET', `/api/catalog/products/${product.id}`)).json.stock).toBe(stock - 2);
  const cancelled = await api('POST', `/api/orders/${order.json.id}/cancel`, { token: user.accessToken });
  expect(cancelled.status).toBe(200);
  expect(await listedStock(product.id)).toBe(stock);
});

it("sees a change made in catalog's database by hand, by catalog's notification", async () => {
  const product = (await api<{ items: Product[] }>('GET', '/api/catalog/products')).json.items[1]!;
  const stock = await listedStock(product.id);
  await listedStock(product.id); // the copy holds it
  await operatorSql('UPDATE catalog.products SET stock = stock + 7 WHERE id = $1', [product.id]);
  await vi.waitFor(async () => expect(await listedStock(product.id)).toBe(stock + 7), { timeout: 5_000 });
  expect((await api<Product>('GET', `/api/catalog/products/${product.id}`)).json.stock).toBe(stock + 7);
});

it('drops its copy when catalog dies, so a change made meanwhile is read once catalog is back', async () => {
  const product = (await api<{ items: Product[] }>('GET', '/api/catalog/products')).json.items[2]!;
  const stock = await listedStock(product.id);
  await platform.kill('catalog', 'SIGKILL');
  await vi.waitFor(async () => expect(await copyLive()).toBe(0), { timeout: 10_000 });
  // nobody is there to notify anyone of this change
  await operatorSql('UPDATE catalog.products SET stock = stock + 3 WHERE id = $1', [product.id]);
  // the first answer after catalog is back already has it (reads fail meanwhile; none is stale)
  let first: { status: number; json: { items: Product[] } } | undefined;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const answer = await api<{ items: Product[] }>('GET', '/api/catalog/products');
    if (answer.status === 200) {
      first = answer;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(first?.json.items.find((p) => p.id === product.id)?.stock).toBe(stock + 3);
  await vi.waitFor(async () => expect(await copyLive()).toBe(1), { timeout: 15_000 });
  expect(await listedStock(product.id)).toBe(stock + 3);
}, 60_000);
