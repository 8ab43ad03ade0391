// One trace from a click in the browser to the database: the storefront's span for the order form's POST is the
// root, its call to the gateway a client span, and the gateway, orders and catalog spans (with their database
// calls) hang below it, collected by an OTLP receiver standing in for the collector.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { openBrowser, type TestBrowser } from '../../src/browser/browser.js';
import { logInThroughForm } from '../../src/browser/shop-actions.js';
import { type Shop, startShop } from '../../src/browser/storefront-platform.js';
import { createApiClient, newUser } from '../../src/http-client.js';
import { type OtlpReceiver, startOtlpReceiver } from '../../src/otlp-receiver.js';

// a browser on a busy 2-core machine: page loads and the platform's first answers take seconds
vi.setConfig({ testTimeout: 90_000 });

let receiver: OtlpReceiver;
let shop: Shop;
let browser: TestBrowser;
const api = createApiClient(() => shop.gatewayUrl);

beforeAll(async () => {
  if (process.env.E2E_STOREFRONT_URL) {
    throw new Error('tracing.test.ts points the services at its own receiver: run it without E2E_STOREFRONT_URL');
  }
  receiver = await startOtlpReceiver();
  shop = await startShop({
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_TRACES_SAMPLER: 'parentbased_always_on',
      OTEL_BSP_SCHEDULE_DELAY: '200',
    },
  });
  browser = await openBrowser();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await shop?.close();
  await receiver?.close();
});

it('follows an order placed in the browser through storefront, gateway, orders, catalog and the database', async () => {
  const { page } = browser;
  const user = await newUser(api, 'traced-shopper');
  await logInThroughForm(page, shop.storefrontUrl, user.email, user.password);
  const product = (await api('GET', '/api/catalog/products')).json.items[0];
  await page.goto(`${shop.storefrontUrl}/products/${product.id}`);
  await page.getByRole('button', { name: 'Place order' }).click();
  await page.waitForURL(/notice=order-placed$/);

  // the storefront's server span of the form's POST starts the trace
  const isFormPost = (span: (typeof receiver.spans)[number]) =>
    span.service === 'storefront' && span.kind === 2 && span.attributes['http.route'] === '/orders';
  await expect.poll(() => receiver.spans.some(isFormPost), { timeout: 15_000, interval: 250 }).toBe(true);
  const root = receiver.spans.find(isFormPost)!;
  const inTrace = () => receiver.spans.filter((span) => span.traceId === root.traceId);
  await expect
    .poll(() => new Set(inTrace().map((span) => span.service)), { timeout: 15_000, interval: 250 })
    .toEqual(new Set(['storefront', 'gateway', 'orders', 'catalog']));
  const spans = inTrace();

  // one tree: the root is the only span whose parent is not in the trace
  const ids = new Set(spans.map((span) => span.spanId));
  expect(spans.filter((span) => !ids.has(span.parentSpanId)).map((span) => span.spanId)).toEqual([root.spanId]);

  // storefront -> gateway: a client span of the storefront is the parent of the gateway's server span
  const clientCall = spans.find(
    (span) => span.service === 'storefront' && span.kind === 3 && span.name === 'POST /api/orders',
  );
  expect(clientCall, 'the storefront traced its call to the gateway').toBeDefined();
  const gatewayServer = spans.find((span) => span.service === 'gateway' && span.parentSpanId === clientCall!.spanId);
  expect(gatewayServer?.kind).toBe(2);
  // and on, as the platform's own tracing test shows: orders reserves in catalog, both write to the database
  expect(spans.some((s) => s.service === 'catalog' && s.kind === 2 && s.name.includes('ReserveStock'))).toBe(true);
  for (const service of ['orders', 'catalog']) {
    expect(
      spans.some(
        (s) =>
          s.service === service &&
          (s.attributes['db.system'] === 'postgresql' || s.attributes['db.system.name'] === 'postgresql'),
      ),
      `${service} database spans`,
    ).toBe(true);
  }
  // the storefront's own session reads are in the trace too
  expect(
    spans.some(
      (s) =>
        s.service === 'storefront' &&
        String(s.attributes['db.statement'] ?? s.attributes['db.query.text'] ?? '').includes('storefront.sessions'),
    ),
  ).toBe(true);

  // the storefront's log line of that request carries the trace id
  expect(
    shop.platform!.logs.some((line) => line.trimStart().startsWith('storefront') && line.includes(root.traceId)),
  ).toBe(true);
});
