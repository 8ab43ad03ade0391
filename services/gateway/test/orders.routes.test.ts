// The orders routes against a real grpc-js OrdersService stand-in and real tokens from the test issuer: the token
// check at the edge, what travels in metadata, the mapping to the contract's JSON, body rules and no unsafe retries.
import { status } from '@grpc/grpc-js';
import { startTestIssuer, type TestIssuer } from '@platform/auth-kit/testing';
import type { ordersV1 } from '@platform/contracts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayApp } from '../src/app.js';
import {
  type AuthStandIn,
  type GrpcStandIn,
  ORDER,
  PRODUCTS,
  startAuthStandIn,
  startOrdersStandIn,
} from './downstreams.js';
import { buildTestGateway } from './gateway.js';

let issuer: TestIssuer;
let auth: AuthStandIn;
let orders: GrpcStandIn;
let gateway: GatewayApp;
let token: string;

beforeAll(async () => {
  [issuer, auth, orders] = await Promise.all([startTestIssuer(), startAuthStandIn(), startOrdersStandIn()]);
  gateway = await buildTestGateway({
    authUrl: auth.url,
    catalogAddress: '127.0.0.1:1',
    ordersAddress: orders.address,
    jwksUrl: issuer.jwksUrl,
  });
  token = issuer.sign({ sub: 'user-1' });
});

afterAll(async () => {
  await gateway.close();
  await orders.stop();
  await Promise.all([auth.close(), issuer.close()]);
});

beforeEach(() => {
  orders.misbehave(undefined);
  orders.calls.length = 0;
});

const bearer = (value = token) => ({ authorization: `Bearer ${value}` });
const productId = PRODUCTS[0]!.id;
const contractOrder = {
  id: ORDER.id,
  status: 'confirmed',
  items: [{ productId, quantity: 2, unitPriceCents: 1250 }],
  totalCents: 2500,
  currency: 'EUR',
  createdAt: '2025-01-02T03:04:05.678Z',
};

const protectedRoutes = [
  { method: 'POST', url: '/api/orders', payload: { items: [{ productId, quantity: 1 }] } },
  { method: 'GET', url: '/api/orders' },
  { method: 'GET', url: `/api/orders/${ORDER.id}` },
  { method: 'POST', url: `/api/orders/${ORDER.id}/cancel` },
] as const;

describe.each(protectedRoutes)('$method $url without a valid token', (route) => {
  const now = () => Math.floor(Date.now() / 1000);
  const cases: [string, () => Record<string, string>, RegExp][] = [
    ['no Authorization header', () => ({}), /^Bearer realm="platform"$/],
    ['a non-Bearer scheme', () => ({ authorization: 'Basic dXNlcjpwYXNz' }), /^Bearer realm="platform"$/],
    ['a malformed token', () => bearer('not-a-jwt'), /error="invalid_token"/],
    ['an unknown kid', () => bearer(issuer.sign({}, { kid: 'unknown' })), /error="invalid_token"/],
    ['an expired token', () => bearer(issuer.sign({ iat: now() - 600, exp: now() - 120 })), /error="invalid_token"/],
    ['a token for another audience', () => bearer(issuer.sign({ aud: 'someone-else' })), /error="invalid_token"/],
  ];
  it.each(cases)(
    'answers 401 with WWW-Authenticate for %s, and never calls orders',
    async (_name, headers, challenge) => {
      const response = await gateway.http.inject({ ...route, headers: headers() });
      expect(response.statusCode).toBe(401);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.headers['www-authenticate']).toMatch(challenge);
      expect(response.json()).toMatchObject({ type: 'about:blank', title: 'Unauthorized', status: 401 });
      expect(orders.calls).toHaveLength(0);
    },
  );
});

describe('POST /api/orders', () => {
  it('places the order: 201 in the contract shape, with the token and request id passed on', async () => {
    const response = await gateway.http.inject({
      method: 'POST',
      url: '/api/orders',
      headers: { ...bearer(), 'x-request-id': 'req-order-1', 'idempotency-key': 'key-1' },
      payload: { items: [{ productId, quantity: 2 }] },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual(contractOrder);
    expect(response.headers['x-request-id']).toBe('req-order-1');
    const [call] = orders.calls;
    expect(call?.method).toBe('placeOrder');
    expect(call?.request).toEqual({ items: [{ productId, quantity: 2 }], idempotencyKey: 'key-1' });
    expect(call?.metadata.get('authorization')).toEqual([`Bearer ${token}`]);
    expect(call?.metadata.get('x-request-id')).toEqual(['req-order-1']);
  });

  it('sends no idempotency key when the header is absent', async () => {
    await gateway.http.inject({
      method: 'POST',
      url: '/api/orders',
      headers: bearer(),
      payload: { items: [{ productId, quantity: 1 }] },
    });
    expect((orders.calls[0]!.request as ordersV1.PlaceOrderRequest).idempotencyKey).toBeUndefined();
  });

  const badBodies: [string, unknown][] = [
    ['an unknown field', { items: [{ productId, quantity: 1 }], coupon: 'FREE' }],
    ['an unknown item field', { items: [{ productId, quantity: 1, price: 0 }] }],
    ['no items', { items: [] }],
    ['a quantity below 1', { items: [{ productId, quantity: 0 }] }],
    ['a fractional quantity', { items: [{ productId, quantity: 1.5 }] }],
    ['an empty product id', { items: [{ productId: '', quantity: 1 }] }],
  ];
  it.each(badBodies)('rejects a body with %s: 400 problem, orders not called', async (_name, payload) => {
    const response = await gateway.http.inject({
      method: 'POST',
      url: '/api/orders',
      headers: bearer(),
      payload: payload as object,
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 400 });
    expect(orders.calls).toHaveLength(0);
  });

  it('rejects malformed JSON with 400', async () => {
    const response = await gateway.http.inject({
      method: 'POST',
      url: '/api/orders',
      headers: { ...bearer(), 'content-type': 'application/json' },
      payload: '{"items": [',
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(orders.calls).toHaveLength(0);
  });

  it('rejects a body over 1 MiB with 413', async () => {
    const response = await gateway.http.inject({
      method: 'POST',
      url: '/api/orders',
      headers: { ...bearer(), 'content-type': 'application/json' },
      payload: JSON.stringify({ items: [{ productId: 'x'.repeat(1_100_000), quantity: 1 }] }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ status: 413 });
    expect(orders.calls).toHaveLength(0);
  });

  it('rejects an Idempotency-Key longer than 255 characters with 400', async () => {
    const response = await gateway.http.inject({
      method: 'POST',
      url: '/api/orders',
      headers: { ...bearer(), 'idempotency-key': 'k'.repeat(256) },
      payload: { items: [{ productId, quantity: 1 }] },
    });
    expect(response.statusCode).toBe(400);
  });

  it('maps not enough stock (FAILED_PRECONDITION) to 409', async () => {
    orders.misbehave({ fail: status.FAILED_PRECONDITION, details: 'not enough stock' });
    const response = await gateway.http.inject({
      method: 'POST',
      url: '/api/orders',
      headers: bearer(),
      payload: { items: [{ productId, quantity: 99 }] },
    });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ status: 409, detail: 'not enough stock' });
  });

  it('never retries a placement, even on UNAVAILABLE: the first attempt may have taken effect', async () => {
    orders.misbehave({ fail: status.UNAVAILABLE, times: 1 });
    const response = await gateway.http.inject({
      method: 'POST',
      url: '/api/orders',
      headers: bearer(),
      payload: { items: [{ productId, quantity: 1 }] },
    });
    expect(response.statusCode).toBe(503);
    expect(orders.calls).toHaveLength(1);
  });
});

describe('GET /api/orders', () => {
  it("lists the caller's orders with statuses mapped", async () => {
    const response = await gateway.http.inject({ method: 'GET', url: '/api/orders', headers: bearer() });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      items: [contractOrder, { ...contractOrder, id: 'second', status: 'cancelled' }],
    });
    expect(orders.calls[0]?.metadata.get('authorization')).toEqual([`Bearer ${token}`]);
  });

  it('retries a read on UNAVAILABLE', async () => {
    orders.misbehave({ fail: status.UNAVAILABLE, times: 1 });
    const response = await gateway.http.inject({ method: 'GET', url: '/api/orders', headers: bearer() });
    expect(response.statusCode).toBe(200);
    expect(orders.calls).toHaveLength(2);
  });

  it('passes the 401 of the service on (it checks the token again)', async () => {
    orders.misbehave({ fail: status.UNAUTHENTICATED, details: 'token revoked' });
    const response = await gateway.http.inject({ method: 'GET', url: '/api/orders', headers: bearer() });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
  });
});

describe('GET /api/orders/:id', () => {
  it('answers one order', async () => {
    const response = await gateway.http.inject({ method: 'GET', url: `/api/orders/${ORDER.id}`, headers: bearer() });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(contractOrder);
    expect(orders.calls[0]?.request).toEqual({ id: ORDER.id });
  });

  it("answers 404 for an order that is not the caller's", async () => {
    orders.misbehave({ fail: status.NOT_FOUND, details: 'no such order' });
    const response = await gateway.http.inject({ method: 'GET', url: '/api/orders/someone-elses', headers: bearer() });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ status: 404, detail: 'no such order' });
  });
});

describe('POST /api/orders/:id/cancel', () => {
  it('answers the cancelled order', async () => {
    const response = await gateway.http.inject({
      method: 'POST',
      url: `/api/orders/${ORDER.id}/cancel`,
      headers: bearer(),
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ...contractOrder, status: 'cancelled' });
    expect(orders.calls.map((call) => call.method)).toEqual(['cancelOrder']);
  });

  it('answers 409 when already cancelled, and does not retry a cancel', async () => {
    orders.misbehave({ fail: status.FAILED_PRECONDITION, details: 'already cancelled' });
    const conflict = await gateway.http.inject({
      method: 'POST',
      url: `/api/orders/${ORDER.id}/cancel`,
      headers: bearer(),
    });
    expect(conflict.statusCode).toBe(409);
    orders.misbehave({ fail: status.UNAVAILABLE, times: 1 });
    orders.calls.length = 0;
    const unavailable = await gateway.http.inject({
      method: 'POST',
      url: `/api/orders/${ORDER.id}/cancel`,
      headers: bearer(),
    });
    expect(unavailable.statusCode).toBe(503);
    expect(orders.calls).toHaveLength(1);
  });
});

describe('the token check', () => {
  it('accepts ES256 as well as RS256 tokens', async () => {
    const es256 = issuer.sign({}, { algorithm: 'ES256' });
    expect((await gateway.http.inject({ method: 'GET', url: '/api/orders', headers: bearer(es256) })).statusCode).toBe(
      200,
    );
  });
});
