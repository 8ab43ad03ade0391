// The storefront built from its config on a real PostgreSQL, in front of a stand-in gateway: headers, cookies,
// CSRF, login rotation, logout revocation, server-side refresh, readable problems, readiness, and replicas that
// share sessions. (The real platform behind it: e2e/test/browser.)
import { createLogger } from '@platform/service-kit';
import { openTestDatabase, type TestDatabase } from '@platform/test-databases';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type StorefrontApp } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import { startDatabaseRelay } from './database-relay.js';
import { type GatewayStandIn, PRODUCT, startGatewayStandIn } from './gateway-stand-in.js';

const HOST = 'shop.test';
const ORIGIN = `http://${HOST}`;
let database: TestDatabase;
let gateway: GatewayStandIn;
let app: StorefrontApp;

async function build(env: Record<string, string> = {}): Promise<StorefrontApp> {
  const config = parseConfig({ DATABASE_URL: database.url, GATEWAY_URL: gateway.url, ...env });
  return buildApp(config, { logger: createLogger({ service: 'storefront', level: 'silent' }) });
}

beforeAll(async () => {
  database = await openTestDatabase('embedded');
  gateway = await startGatewayStandIn();
  app = await build();
}, 120_000);
afterAll(async () => {
  await app?.close();
  await gateway?.close();
  await database?.close();
});

interface Visit {
  status: number;
  body: string;
  headers: Record<string, unknown>;
  cookie: string | undefined;
}

/** The session cookie the answer set ('' when it cleared it), or undefined. */
function setCookieOf(headers: Record<string, unknown>): string | undefined {
  const raw = headers['set-cookie'];
  const list = Array.isArray(raw) ? raw : raw ? [String(raw)] : [];
  const line = list.find((c) => c.includes('storefront_session='));
  return line?.split(';')[0]?.split('=')[1];
}

async function visit(
  method: 'GET' | 'POST',
  url: string,
  {
    cookie,
    form,
    headers = {},
    on = app,
  }: { cookie?: string; form?: Record<string, string>; headers?: Record<string, string>; on?: StorefrontApp } = {},
): Promise<Visit> {
  const response = await on.http.inject({
    method,
    url,
    headers: {
      host: HOST,
      ...(cookie ? { cookie: `storefront_session=${cookie}` } : {}),
      ...(form ? { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN } : {}),
      ...headers,
    },
    ...(form ? { payload: new URLSearchParams(form).toString() } : {}),
  });
  return {
    status: response.statusCode,
    body: response.body,
    headers: response.headers,
    cookie: setCookieOf(response.headers),
  };
}

const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

async function logIn(on = app): Promise<string> {
  const page = await visit('GET', '/login', { on });
  const answer = await visit('POST', '/login', {
    on,
    cookie: page.cookie!,
    form: { email: 'ada@example.com', password: 'correct horse', _csrf: csrfOf(page.body) },
  });
  expect(answer.status).toBe(303);
  return answer.cookie!;
}

describe('storefront pages', () => {
  it('come with a strict Content-Security-Policy, the security headers and no caching', async () => {
    const page = await visit('GET', '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toBe(
      "default-src 'none';script-src 'self';style-src 'self';img-src 'self';connect-src 'self';form-action 'self';frame-ancestors 'none';base-uri 'none'",
    );
    expect(page.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'same-origin',
      'x-frame-options': 'SAMEORIGIN',
      'cache-control': 'no-store',
      'content-type': 'text/html; charset=utf-8',
    });
    expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)/); // no inline script
    // product data is escaped, never markup
    expect(page.body).toContain('Stoneware &lt;mug&gt;');
    expect(page.body).not.toContain('<mug>');
    expect(page.cookie).toBeUndefined(); // browsing needs no session
    const ops = await visit('GET', '/metrics');
    expect(ops.cookie).toBeUndefined();
    expect(ops.body).toContain('http_server_requests_total');
  });

  it('start a session for a form: HttpOnly and SameSite=Lax, Secure with __Host- over TLS', async () => {
    const plain = await app.http.inject({ method: 'GET', url: '/login', headers: { host: HOST } });
    expect(String(plain.headers['set-cookie'])).toMatch(
      /^storefront_session=[\w-]{43}; Max-Age=604800; Path=\/; HttpOnly; SameSite=Lax$/,
    );
    const behindTls = await build({ TRUST_PROXY_HOPS: '1' });
    try {
      const secure = await behindTls.http.inject({
        method: 'GET',
        url: '/login',
        headers: { host: HOST, 'x-forwarded-proto': 'https' },
      });
      expect(String(secure.headers['set-cookie'])).toMatch(
        /^__Host-storefront_session=[\w-]{43}; Max-Age=604800; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
      );
    } finally {
      await behindTls.close();
    }
  });

  it('refuse a form from another origin, or without the session token, and do nothing', async () => {
    const page = await visit('GET', '/login');
    const form = { email: 'ada@example.com', password: 'correct horse', _csrf: csrfOf(page.body) };
    const before = gateway.received.length;
    const forged = await visit('POST', '/login', {
      cookie: page.cookie!,
      form,
      headers: { origin: 'https://evil.example' },
    });
    expect(forged.status).toBe(403);
    expect(forged.body).toContain('This form has expired');
    const noOrigin = await visit('POST', '/login', { cookie: page.cookie!, form, headers: { origin: '' } });
    expect(noOrigin.status).toBe(403);
    const wrongToken = await visit('POST', '/login', {
      cookie: page.cookie!,
      form: { ...form, _csrf: 'x'.repeat(43) },
    });
    expect(wrongToken.status).toBe(403);
    const noSession = await visit('POST', '/login', { form });
    expect(noSession.status).toBe(403);
    expect(gateway.received.length).toBe(before);
  });

  it('log in under a new session id, keep the tokens on the server, and revoke them at logout', async () => {
    const page = await visit('GET', '/login');
    const answer = await visit('POST', '/login', {
      cookie: page.cookie!,
      form: { email: 'ada@example.com', password: 'correct horse', _csrf: csrfOf(page.body) },
    });
    expect(answer.status).toBe(303);
    expect(answer.headers.location).toBe('/?notice=logged-in');
    const session = answer.cookie!;
    expect(session).not.toBe(page.cookie);
    // the id the login page handed out is worth nothing now
    expect((await visit('GET', '/orders', { cookie: page.cookie! })).status).toBe(303);

    const home = await visit('GET', '/', { cookie: session });
    expect(home.body).toContain('Logged in as Ada');
    expect(home.body).not.toContain('access-1');
    expect(home.body).not.toContain('refresh-1');

    const logout = await visit('POST', '/logout', { cookie: session, form: { _csrf: csrfOf(home.body) } });
    expect(logout.status).toBe(303);
    expect(logout.cookie).toBe('');
    const revoked = gateway.received.filter((r) => r.url === '/api/auth/logout').at(-1);
    expect(JSON.parse(revoked!.body)).toEqual({ refreshToken: 'refresh-1' });
    expect((await visit('GET', '/orders', { cookie: session })).headers.location).toBe('/login?next=%2Forders');
  });

  it('pass the request id and the browser address to the gateway, never the cookie', async () => {
    const session = await logIn();
    await app.http.inject({
      method: 'GET',
      url: '/orders',
      headers: { host: HOST, cookie: `storefront_session=${session}`, 'x-request-id': 'req-42' },
    });
    const call = gateway.received.filter((r) => r.url === '/api/orders').at(-1)!;
    expect(call.headers).toMatchObject({
      'x-request-id': 'req-42',
      'x-forwarded-for': '127.0.0.1',
      authorization: 'Bearer access-1',
    });
    expect(call.headers.cookie).toBeUndefined();
  });

  it('refresh an expiring access token with the gateway, and end the session when the refresh is refused', async () => {
    let issued = 1;
    gateway.answer('POST /api/auth/login', {
      status: 200,
      body: { accessToken: 'access-short', refreshToken: 'refresh-short', tokenType: 'Bearer', expiresIn: 1 },
    });
    gateway.answer('POST /api/auth/refresh', () => ({
      status: 200,
      body: {
        accessToken: `access-r${++issued}`,
        refreshToken: `refresh-r${issued}`,
        tokenType: 'Bearer',
        expiresIn: 1,
      },
    }));
    try {
      const session = await logIn();
      await new Promise((resolve) => setTimeout(resolve, 600)); // past half of the 1-second lifetime
      expect((await visit('GET', '/orders', { cookie: session })).status).toBe(200);
      const refresh = gateway.received.filter((r) => r.url === '/api/auth/refresh').at(-1)!;
      expect(JSON.parse(refresh.body)).toEqual({ refreshToken: 'refresh-short' });
      expect(gateway.received.filter((r) => r.url === '/api/orders').at(-1)!.headers.authorization).toBe(
        'Bearer access-r2',
      );

      gateway.answer('POST /api/auth/refresh', { status: 401, body: { detail: 'refresh token revoked' } });
      await new Promise((resolve) => setTimeout(resolve, 600));
      const ended = await visit('GET', '/orders', { cookie: session });
      expect(ended.status).toBe(303);
      expect(ended.headers.location).toBe('/login?notice=session-ended&next=%2Forders');
      expect(ended.cookie).toBe('');
    } finally {
      gateway.answer('POST /api/auth/login', {
        status: 200,
        body: { accessToken: 'access-1', refreshToken: 'refresh-1', tokenType: 'Bearer', expiresIn: 900 },
      });
    }
  });

  it('share sessions between replicas on one database', async () => {
    const other = await build();
    try {
      const session = await logIn(app);
      const page = await visit('GET', '/orders', { cookie: session, on: other });
      expect(page.status).toBe(200);
      expect(page.body).toContain('Logged in as Ada');
    } finally {
      await other.close();
    }
  });

  it('turn problems from the gateway into readable pages with the right status', async () => {
    gateway.answer('GET /api/catalog/products', { status: 503, body: { detail: 'catalog down', stack: 'at x' } });
    const unavailable = await visit('GET', '/');
    expect(unavailable.status).toBe(503);
    expect(unavailable.body).toContain('Part of the shop is not available right now');
    expect(unavailable.body).not.toMatch(/catalog down|at x/);

    gateway.answer('GET /api/catalog/products', {
      status: 429,
      body: { detail: 'slow down' },
      headers: { 'retry-after': '7' },
    });
    const limited = await visit('GET', '/');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('7');
    expect(limited.body).toContain('Please wait 7 seconds and try again');
    gateway.answer('GET /api/catalog/products', { status: 200, body: { items: [PRODUCT] } });

    const missing = await visit('GET', '/products/no-such-product');
    expect(missing.status).toBe(404);
    expect(missing.body).toContain('We could not find that.');
    const nowhere = await visit('GET', '/no/such/page');
    expect(nowhere.status).toBe(404);
    expect(nowhere.body).toContain('<h1>Page not found</h1>');
  });

  it('is ready only while the database and the gateway answer', async () => {
    expect((await visit('GET', '/readyz')).status).toBe(200);
    gateway.answer('GET /healthz', { status: 503 });
    const notReady = await visit('GET', '/readyz');
    expect(notReady.status).toBe(503);
    expect(JSON.parse(notReady.body).checks).toMatchObject({ database: 'ok', gateway: expect.stringContaining('503') });
    gateway.answer('GET /healthz', { status: 200, body: { status: 'ok' } });
  });
});

describe('with its session database down', () => {
  it('still shows the products, and answers a page that needs the session with a readable 503', async () => {
    // the database behind a relay: closing it is an outage (refused connections) while the server serves the others
    const own = await openTestDatabase('embedded');
    const relay = await startDatabaseRelay(own.url);
    const shop = await buildApp(parseConfig({ DATABASE_URL: relay.url, GATEWAY_URL: gateway.url }), {
      logger: createLogger({ service: 'storefront', level: 'silent' }),
    });
    try {
      await relay.close();
      const browsing = await shop.http.inject({ method: 'GET', url: '/', headers: { host: HOST } });
      expect(browsing.statusCode).toBe(200);
      expect(browsing.body).toContain('Stoneware &lt;mug&gt;');
      const withSession = await shop.http.inject({
        method: 'GET',
        url: '/orders',
        headers: { host: HOST, cookie: `storefront_session=${'A'.repeat(43)}` },
      });
      expect(withSession.statusCode).toBe(503);
      expect(withSession.body).toContain('The shop cannot serve you right now');
      expect((await shop.http.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
    } finally {
      await shop.close();
      await own.close();
    }
  }, 120_000);
});
