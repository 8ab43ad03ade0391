// One trace across every hop: placing an order with tracing pointed at a collector gives one trace whose spans
// come from gateway, orders and catalog (and their database calls), linked parent to child, and the log lines of
// that request carry its trace id.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiClient, newUser } from '../src/http-client.js';
import { type OtlpReceiver, startOtlpReceiver } from '../src/otlp-receiver.js';
import { preferredDatabase, startTestPlatform, type TestPlatform } from '../src/test-platform.js';

let receiver: OtlpReceiver;
let platform: TestPlatform;
const api = createApiClient(() => platform.gatewayUrl);

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  platform = await startTestPlatform({
    database: preferredDatabase(),
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_TRACES_SAMPLER: 'parentbased_always_on',
      OTEL_BSP_SCHEDULE_DELAY: '200',
    },
  });
});
afterAll(async () => {
  await platform?.close();
  await receiver?.close();
});

it('places an order in one trace spanning gateway, orders, catalog and the database', async () => {
  const user = await newUser(api, 'traced');
  const product = (await api('GET', '/api/catalog/products')).json.items[0];
  const traceId = randomBytes(16).toString('hex');
  const placed = await api('POST', '/api/orders', {
    token: user.accessToken,
    headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
    body: { items: [{ productId: product.id, quantity: 1 }] },
  });
  expect(placed.status).toBe(201);

  const trace = () => receiver.spans.filter((span) => span.traceId === traceId);
  // every span but the first hop's has its parent in the same trace: one tree, not fragments. A parent ends after
  // its children, so it may come in a later export batch: wait for the tree to be whole.
  const orphansOf = (spans: ReturnType<typeof trace>) => {
    const ids = new Set(spans.map((span) => span.spanId));
    return spans.filter((span) => !ids.has(span.parentSpanId)).map((span) => `${span.service}:${span.name}`);
  };
  await expect
    .poll(() => new Set(trace().map((span) => span.service)), { timeout: 15_000, interval: 250 })
    .toEqual(new Set(['gateway', 'orders', 'catalog']));
  await expect
    .poll(() => orphansOf(trace()), { timeout: 15_000, interval: 250 })
    .toEqual([expect.stringMatching(/^gateway:/)]);
  const spans = trace();

  const byService = (service: string) => spans.filter((span) => span.service === service);
  // gRPC client spans in the caller and server spans in the callee (kind 3 = client, 2 = server)
  expect(byService('gateway').some((span) => span.kind === 3 && span.name.includes('OrdersService/PlaceOrder'))).toBe(
    true,
  );
  expect(byService('orders').some((span) => span.kind === 2 && span.name.includes('OrdersService/PlaceOrder'))).toBe(
    true,
  );
  expect(byService('orders').some((span) => span.kind === 3 && span.name.includes('CatalogService/ReserveStock'))).toBe(
    true,
  );
  expect(
    byService('catalog').some((span) => span.kind === 2 && span.name.includes('CatalogService/ReserveStock')),
  ).toBe(true);
  // database calls of both services are in the trace
  for (const service of ['orders', 'catalog']) {
    expect(
      byService(service).some(
        (span) => span.attributes['db.system'] === 'postgresql' || span.attributes['db.system.name'] === 'postgresql',
      ),
    ).toBe(true);
  }

  // and the log lines of this request, in every service it touched, carry its trace id
  const lines = platform.logs.filter((line) => line.includes(traceId));
  for (const service of ['gateway', 'orders', 'catalog']) {
    expect(
      lines.some((line) => line.trimStart().startsWith(service)),
      `${service} logged the trace id`,
    ).toBe(true);
  }
});
