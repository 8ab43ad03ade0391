// The public contract (docs/contract.md) as one suite, run against any base URL: the processes `npm start` runs, the
// docker compose stack, or a cluster's ingress.
import { describe, expect, it } from 'vitest';
import { type ApiClient, createApiClient, decodeJwt, newUser, uniqueEmail } from './http-client.js';

const PROBLEM = 'application/problem+json';

export function defineContractSuite(baseUrl: () => string): void {
  const api = createApiClient(baseUrl);
  describe('auth', () => defineAuthContract(api));
  describe('catalog and orders', () => defineDomainContract(api));
  describe('edge rules', () => defineEdgeContract(api));
}

function defineAuthContract(api: ApiClient): void {
  const email = uniqueEmail('ada');
  const password = 'correct horse battery staple';

  it('registers a user (201) and refuses the same email again (409) and bad input (400 problem)', async () => {
    const created = await api('POST', '/api/auth/register', { body: { email, password, name: 'Ada' } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ email, name: 'Ada' });
    expect(created.json.id).toEqual(expect.any(String));
    expect(created.json).not.toHaveProperty('password');

    const again = await api('POST', '/api/auth/register', { body: { email, password } });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toContain(PROBLEM);

    const badEmail = await api('POST', '/api/auth/register', { body: { email: 'nope', password } });
    expect(badEmail.status).toBe(400);
    expect(badEmail.headers.get('content-type')).toContain(PROBLEM);
    expect(badEmail.json).toMatchObject({ status: 400, title: expect.any(String), type: expect.any(String) });
    const shortPassword = await api('POST', '/api/auth/register', {
      body: { email: uniqueEmail(), password: 'short' },
    });
    expect(shortPassword.status).toBe(400);
  });

  it('gives the same 401 for a wrong password and an unknown email', async () => {
    const wrong = await api('POST', '/api/auth/login', { body: { email, password: 'wrong password!' } });
    const unknown = await api('POST', '/api/auth/login', { body: { email: uniqueEmail('ghost'), password } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.json.detail).toBe(unknown.json.detail);
  });

  it('logs in with a token pair whose access token follows the token rules', async () => {
    const login = await api('POST', '/api/auth/login', { body: { email, password } });
    expect(login.status).toBe(200);
    expect(login.json).toMatchObject({
      tokenType: 'Bearer',
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
    });
    expect(login.json.expiresIn).toBeGreaterThan(0);
    const { header, payload } = decodeJwt(login.json.accessToken);
    expect(['RS256', 'ES256']).toContain(header.alg);
    expect(header.kid).toEqual(expect.any(String));
    expect(payload).toMatchObject({ iss: expect.any(String), sub: expect.any(String), jti: expect.any(String) });
    expect([payload.aud].flat()).toContain('platform-api');
    expect(payload.roles).toEqual(expect.any(Array));
    expect(payload.exp - payload.iat).toBeLessThanOrEqual(900);

    const jwks = await api('GET', '/.well-known/jwks.json');
    expect(jwks.status).toBe(200);
    expect(jwks.json.keys.map((k: { kid: string }) => k.kid)).toContain(header.kid);
    const discovery = await api('GET', '/.well-known/openid-configuration');
    expect(discovery.status).toBe(200);
    expect(discovery.json.issuer).toBe(payload.iss);
    // the issuer is the platform's public address: the keys are published under it, not at an internal one
    expect(discovery.json.jwks_uri).toBe(`${payload.iss}/.well-known/jwks.json`);

    const me = await api('GET', '/api/auth/me', { token: login.json.accessToken });
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ email, name: 'Ada', roles: expect.any(Array) });
  });

  it('answers /me without or with a bad token with 401 and WWW-Authenticate: Bearer', async () => {
    for (const token of [undefined, 'not-a-jwt', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.']) {
      const me = await api('GET', '/api/auth/me', { token });
      expect(me.status).toBe(401);
      expect(me.headers.get('www-authenticate')).toMatch(/^Bearer/i);
      expect(me.headers.get('content-type')).toContain(PROBLEM);
    }
  });

  it('rotates refresh tokens, and a spent one revokes the whole login', async () => {
    const first = (await api('POST', '/api/auth/login', { body: { email, password } })).json;
    const second = await api('POST', '/api/auth/refresh', { body: { refreshToken: first.refreshToken } });
    expect(second.status).toBe(200);
    expect(second.json.refreshToken).not.toBe(first.refreshToken);
    expect(second.json.accessToken).toEqual(expect.any(String));

    const reuse = await api('POST', '/api/auth/refresh', { body: { refreshToken: first.refreshToken } });
    expect(reuse.status).toBe(401);
    const afterReuse = await api('POST', '/api/auth/refresh', { body: { refreshToken: second.json.refreshToken } });
    expect(afterReuse.status).toBe(401);
  });

  it('logs out (204) and the refresh token no longer works', async () => {
    const login = (await api('POST', '/api/auth/login', { body: { email, password } })).json;
    const logout = await api('POST', '/api/auth/logout', { body: { refreshToken: login.refreshToken } });
    expect(logout.status).toBe(204);
    const refresh = await api('POST', '/api/auth/refresh', { body: { refreshToken: login.refreshToken } });
    expect(refresh.status).toBe(401);
  });
}

function defineDomainContract(api: ApiClient): void {
  type Product = { id: string; sku: string; name: string; priceCents: number; currency: string; stock: number };
  const stockOf = async (id: string) => (await api('GET', `/api/catalog/products/${id}`)).json.stock as number;
  const firstWithStock = async (atLeast: number): Promise<Product> => {
    const list = await api('GET', '/api/catalog/products');
    const product = (list.json.items as Product[]).find((p) => p.stock >= atLeast);
    if (!product) throw new Error(`no demo product with stock >= ${atLeast}`);
    return product;
  };

  it('lists demo products with every contract field, and gets one by id (unknown id 404)', async () => {
    const list = await api('GET', '/api/catalog/products');
    expect(list.status).toBe(200);
    expect(list.json.items.length).toBeGreaterThan(0);
    for (const product of list.json.items) {
      expect(product).toMatchObject({
        id: expect.any(String),
        sku: expect.any(String),
        name: expect.any(String),
        description: expect.any(String),
        priceCents: expect.any(Number),
        currency: expect.any(String),
        stock: expect.any(Number),
      });
    }
    const one = await api('GET', `/api/catalog/products/${list.json.items[0].id}`);
    expect(one.status).toBe(200);
    expect(one.json).toEqual(list.json.items[0]);
    const missing = await api('GET', '/api/catalog/products/does-not-exist-0000');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain(PROBLEM);
  });

  it('places, lists, gets and cancels an order; stock follows; another user sees none of it', async () => {
    const alice = await newUser(api, 'alice');
    const bob = await newUser(api, 'bob');
    const product = await firstWithStock(5);
    const before = await stockOf(product.id);

    const unauthenticated = await api('POST', '/api/orders', {
      body: { items: [{ productId: product.id, quantity: 1 }] },
    });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('www-authenticate')).toMatch(/^Bearer/i);

    const placed = await api('POST', '/api/orders', {
      token: alice.accessToken,
      body: { items: [{ productId: product.id, quantity: 2 }] },
    });
    expect(placed.status).toBe(201);
    expect(placed.json).toMatchObject({
      id: expect.any(String),
      status: 'confirmed',
      items: [{ productId: product.id, quantity: 2, unitPriceCents: product.priceCents }],
      totalCents: 2 * product.priceCents,
      currency: product.currency,
      createdAt: expect.any(String),
    });
    const order = placed.json;
    expect(await stockOf(product.id)).toBe(before - 2);

    const mine = await api('GET', '/api/orders', { token: alice.accessToken });
    expect(mine.status).toBe(200);
    expect(mine.json.items.map((o: { id: string }) => o.id)).toContain(order.id);
    expect((await api('GET', `/api/orders/${order.id}`, { token: alice.accessToken })).json).toEqual(order);

    const theirs = await api('GET', '/api/orders', { token: bob.accessToken });
    expect(theirs.status).toBe(200);
    expect(theirs.json.items.map((o: { id: string }) => o.id)).not.toContain(order.id);
    const peek = await api('GET', `/api/orders/${order.id}`, { token: bob.accessToken });
    const nothing = await api('GET', '/api/orders/00000000-0000-4000-8000-000000000000', { token: bob.accessToken });
    expect(peek.status).toBe(404);
    expect(nothing.status).toBe(404);
    expect(peek.json.title).toBe(nothing.json.title);
    expect((await api('POST', `/api/orders/${order.id}/cancel`, { token: bob.accessToken })).status).toBe(404);

    const cancelled = await api('POST', `/api/orders/${order.id}/cancel`, { token: alice.accessToken });
    expect(cancelled.status).toBe(200);
    expect(cancelled.json).toMatchObject({ id: order.id, status: 'cancelled' });
    expect(await stockOf(product.id)).toBe(before);
    const twice = await api('POST', `/api/orders/${order.id}/cancel`, { token: alice.accessToken });
    expect(twice.status).toBe(409);
    expect(await stockOf(product.id)).toBe(before);
  });

  it('revalidates product reads: ETag and Cache-Control, 304 while unchanged, a new ETag once an order took stock', async () => {
    const user = await newUser(api, 'etag');
    const product = await firstWithStock(1);
    const path = `/api/catalog/products/${product.id}`;
    const first = await api('GET', path);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[^"]+"$/);
    expect(first.headers.get('cache-control')).toBe('public, no-cache');
    const unchanged = await api('GET', path, { headers: { 'if-none-match': etag! } });
    expect(unchanged.status).toBe(304);
    expect(unchanged.text).toBe('');

    const placed = await api('POST', '/api/orders', {
      token: user.accessToken,
      body: { items: [{ productId: product.id, quantity: 1 }] },
    });
    expect(placed.status).toBe(201);
    const changed = await api('GET', path, { headers: { 'if-none-match': etag! } });
    expect(changed.status).toBe(200);
    expect(changed.json.stock).toBe(first.json.stock - 1);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('returns the first order for a repeated Idempotency-Key and reserves nothing more', async () => {
    const user = await newUser(api, 'retry');
    const product = await firstWithStock(2);
    const before = await stockOf(product.id);
    const key = `key-${Date.now()}`;
    const place = () =>
      api('POST', '/api/orders', {
        token: user.accessToken,
        headers: { 'idempotency-key': key },
        body: { items: [{ productId: product.id, quantity: 1 }] },
      });
    const first = await place();
    const second = await place();
    expect(first.status).toBe(201);
    expect([200, 201]).toContain(second.status);
    expect(second.json.id).toBe(first.json.id);
    expect(await stockOf(product.id)).toBe(before - 1);
    const orders = await api('GET', '/api/orders', { token: user.accessToken });
    expect(orders.json.items).toHaveLength(1);
  });

  it('refuses an order beyond the stock with 409 and reserves nothing', async () => {
    const user = await newUser(api, 'greedy');
    const product = await firstWithStock(1);
    const before = await stockOf(product.id);
    const response = await api('POST', '/api/orders', {
      token: user.accessToken,
      body: { items: [{ productId: product.id, quantity: before + 1 }] },
    });
    expect(response.status).toBe(409);
    expect(response.headers.get('content-type')).toContain(PROBLEM);
    expect(await stockOf(product.id)).toBe(before);
  });

  it('answers an unknown product, unknown fields and a bad quantity with 400', async () => {
    const user = await newUser(api, 'sloppy');
    const product = await firstWithStock(1);
    const cases = [
      { items: [{ productId: 'no-such-product', quantity: 1 }] },
      { items: [{ productId: product.id, quantity: 1 }], discount: 100 },
      { items: [{ productId: product.id, quantity: 0 }] },
      { items: [] },
    ];
    for (const body of cases) {
      const response = await api('POST', '/api/orders', { token: user.accessToken, body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.headers.get('content-type')).toContain(PROBLEM);
    }
  });

  it('never sells more than the stock when many users order the last units at once', async () => {
    const product = await firstWithStock(1);
    const users = await Promise.all(Array.from({ length: 4 }, (_, i) => newUser(api, `crowd${i}`)));
    // leave exactly 3 units by ordering the rest away first
    const owner = users[0]!;
    const available = await stockOf(product.id);
    if (available > 3) {
      const drain = await api('POST', '/api/orders', {
        token: owner.accessToken,
        body: { items: [{ productId: product.id, quantity: available - 3 }] },
      });
      expect(drain.status).toBe(201);
    }
    const attempts = users.flatMap((user) => [0, 1, 2].map(() => user));
    const results = await Promise.all(
      attempts.map((user) =>
        api('POST', '/api/orders', {
          token: user.accessToken,
          body: { items: [{ productId: product.id, quantity: 1 }] },
        }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(Math.min(3, available));
    expect(
      statuses.filter((s) => s !== 201 && s !== 409),
      JSON.stringify(results.filter((r) => r.status !== 201 && r.status !== 409).map((r) => r.json)),
    ).toEqual([]);
    expect(await stockOf(product.id)).toBe(0);
  });
}

function defineEdgeContract(api: ApiClient): void {
  it('keeps an incoming x-request-id and makes one otherwise', async () => {
    const kept = await api('GET', '/api/catalog/products', { headers: { 'x-request-id': 'e2e-request-123' } });
    expect(kept.headers.get('x-request-id')).toBe('e2e-request-123');
    const made = await api('GET', '/api/catalog/products');
    expect(made.headers.get('x-request-id')).toEqual(expect.any(String));
  });

  it('answers an unknown route with a 404 problem', async () => {
    const response = await api('GET', '/api/nope');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain(PROBLEM);
    expect(response.json).toMatchObject({ status: 404, title: expect.any(String), type: expect.any(String) });
  });

  it('answers malformed JSON with 400 and a body over 1 MiB with 413, both as problems', async () => {
    const malformed = await api('POST', '/api/auth/login', { raw: '{"email":' });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toContain(PROBLEM);
    const large = await api('POST', '/api/auth/login', {
      raw: JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(1_100_000) }),
    });
    expect(large.status).toBe(413);
    expect(large.headers.get('content-type')).toContain(PROBLEM);
  });

  it('never shows a stack trace in an error', async () => {
    const responses = await Promise.all([
      api('GET', '/api/orders/%00', { token: 'x' }),
      api('POST', '/api/auth/register', { raw: '[]' }),
      api('POST', '/api/orders', { raw: '{"items":"x"}', token: 'x' }),
    ]);
    for (const response of responses) {
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.text).not.toMatch(/\bat .+\.(js|ts):\d+/);
    }
  });
}
