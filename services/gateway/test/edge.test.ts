// What the gateway does at the edge for every route: unknown routes, the rate limit, CORS, the OpenAPI document
// and docs page, and readiness (auth's JWKS only).
import { startTestIssuer, type TestIssuer } from '@platform/auth-kit/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayApp } from '../src/app.js';
import { type AuthStandIn, type GrpcStandIn, startAuthStandIn, startCatalogStandIn } from './downstreams.js';
import { buildTestGateway } from './gateway.js';

let issuer: TestIssuer;
let auth: AuthStandIn;
let catalog: GrpcStandIn;
let gateway: GatewayApp | undefined;

beforeAll(async () => {
  [issuer, auth, catalog] = await Promise.all([startTestIssuer(), startAuthStandIn(), startCatalogStandIn()]);
});

afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

afterAll(async () => {
  await catalog.stop();
  await Promise.all([auth.close(), issuer.close()]);
});

const build = (env: Record<string, string> = {}) =>
  buildTestGateway(
    { authUrl: auth.url, catalogAddress: catalog.address, ordersAddress: '127.0.0.1:1', jwksUrl: issuer.jwksUrl },
    env,
  );

describe('unknown routes', () => {
  it('answer 404 problem details with the request id', async () => {
    gateway = await build();
    const response = await gateway.http.inject({
      method: 'GET',
      url: '/api/nothing?x=1',
      headers: { 'x-request-id': 'r-404' },
    });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.headers['x-request-id']).toBe('r-404');
    expect(response.json()).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'No route for GET /api/nothing',
      instance: '/api/nothing?x=1',
    });
  });
});

describe('the rate limit', () => {
  it('answers 429 problem details with Retry-After once a client exceeds its rate, per client IP', async () => {
    gateway = await build({ RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_MS: '60000' });
    const get = (remoteAddress: string) =>
      gateway!.http.inject({ method: 'GET', url: '/api/catalog/products', remoteAddress });
    for (let i = 0; i < 3; i++) expect((await get('10.0.0.1')).statusCode).toBe(200);
    const limited = await get('10.0.0.1');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.json()).toMatchObject({ type: 'about:blank', title: 'Too Many Requests', status: 429 });
    // another client is not affected
    expect((await get('10.0.0.2')).statusCode).toBe(200);
  });

  it('never limits the ops routes', async () => {
    gateway = await build({ RATE_LIMIT_MAX: '1' });
    for (let i = 0; i < 5; i++) {
      expect((await gateway.http.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      expect((await gateway.http.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    }
  });

  it('is off with RATE_LIMIT_MAX=0', async () => {
    gateway = await build({ RATE_LIMIT_MAX: '0' });
    for (let i = 0; i < 20; i++) {
      expect((await gateway.http.inject({ method: 'GET', url: '/api/catalog/products' })).statusCode).toBe(200);
    }
  });

  it('keys on X-Forwarded-For only from a peer TRUSTED_PROXIES names', async () => {
    const via = (client: string, remoteAddress = '10.1.2.3') =>
      gateway!.http.inject({
        method: 'GET',
        url: '/api/catalog/products',
        remoteAddress,
        headers: { 'x-forwarded-for': client },
      });
    gateway = await build({ RATE_LIMIT_MAX: '1', TRUSTED_PROXIES: '10.0.0.0/8' });
    expect((await via('203.0.113.1')).statusCode).toBe(200);
    expect((await via('203.0.113.2')).statusCode).toBe(200);
    expect((await via('203.0.113.1')).statusCode).toBe(429);
    // a peer that is not a trusted proxy cannot pick its own address by sending the header
    expect((await via('203.0.113.3', '192.0.2.9')).statusCode).toBe(200);
    expect((await via('203.0.113.4', '192.0.2.9')).statusCode).toBe(429);
    await gateway.close();

    // unset: nobody is trusted
    gateway = await build({ RATE_LIMIT_MAX: '1' });
    expect((await via('203.0.113.5')).statusCode).toBe(200);
    expect((await via('203.0.113.6')).statusCode).toBe(429);
  });

  it('refuses a TRUSTED_PROXIES entry that is not an address, naming the variable', async () => {
    await expect(async () => build({ TRUSTED_PROXIES: '10.0.0.0/8,ingress' })).rejects.toThrow(
      /TRUSTED_PROXIES .*ingress/,
    );
  });

  it('limits login and registration more strictly, on their own, per client', async () => {
    gateway = await build({ RATE_LIMIT_MAX: '100', CREDENTIALS_RATE_LIMIT_MAX: '2' });
    const post = (url: string, remoteAddress = '10.0.0.7') =>
      gateway!.http.inject({ method: 'POST', url, remoteAddress, payload: { email: 'a@example.com', password: 'x' } });
    for (const url of ['/api/auth/login', '/api/auth/register']) {
      expect((await post(url)).statusCode).not.toBe(429);
      expect((await post(url)).statusCode).not.toBe(429);
      const limited = await post(url);
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited.headers['content-type']).toContain('application/problem+json');
      // another client, and the other routes, are not affected
      expect((await post(url, '10.0.0.8')).statusCode).not.toBe(429);
    }
    const refresh = await gateway.http.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      remoteAddress: '10.0.0.7',
      payload: { refreshToken: 'x' },
    });
    expect(refresh.statusCode).not.toBe(429);
    expect(
      (await gateway.http.inject({ method: 'GET', url: '/api/catalog/products', remoteAddress: '10.0.0.7' }))
        .statusCode,
    ).toBe(200);
  });

  it('keeps the login limit with the general one off', async () => {
    gateway = await build({ RATE_LIMIT_MAX: '0', CREDENTIALS_RATE_LIMIT_MAX: '1' });
    const login = () =>
      gateway!.http.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'a', password: 'b' } });
    expect((await login()).statusCode).not.toBe(429);
    expect((await login()).statusCode).toBe(429);
    for (let i = 0; i < 5; i++) {
      expect((await gateway.http.inject({ method: 'GET', url: '/api/catalog/products' })).statusCode).toBe(200);
    }
  });
});

describe('hostile input', () => {
  it('answers a pathologically nested body on a forwarded route with a 400 problem, not a 500', async () => {
    gateway = await build();
    const depth = 50_000;
    const response = await gateway.http.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: `{"email":${'['.repeat(depth)}${']'.repeat(depth)},"password":"x"}`,
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
  });

  it('puts the API security headers on its own answers and on those it forwards from auth', async () => {
    gateway = await build();
    const answers = [
      await gateway.http.inject({ method: 'GET', url: '/api/catalog/products' }),
      await gateway.http.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'a', password: 'b' } }),
      await gateway.http.inject({ method: 'GET', url: '/api/orders' }),
      await gateway.http.inject({ method: 'GET', url: '/nowhere' }),
    ];
    for (const [index, response] of answers.entries()) {
      expect(response.headers, `${response.statusCode}`).toMatchObject({
        // the public product list may be kept, revalidated by its ETag (conditional-get.ts); nothing else may
        'cache-control': index === 0 ? 'public, no-cache' : 'no-store',
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'content-security-policy': "frame-ancestors 'none'",
      });
    }
  });
});

describe('CORS', () => {
  const preflight = {
    method: 'OPTIONS' as const,
    url: '/api/orders',
    headers: {
      origin: 'https://shop.example.com',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type',
    },
  };

  it('is off by default: no CORS headers, so browsers on other origins are refused', async () => {
    gateway = await build();
    const response = await gateway.http.inject({
      method: 'GET',
      url: '/api/catalog/products',
      headers: { origin: 'https://shop.example.com' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect((await gateway.http.inject(preflight)).headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows exactly the origins in CORS_ORIGINS', async () => {
    gateway = await build({ CORS_ORIGINS: 'https://shop.example.com, https://admin.example.com' });
    const allowed = await gateway.http.inject(preflight);
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://shop.example.com');
    expect(String(allowed.headers['access-control-allow-headers'])).toContain('authorization');
    const simple = await gateway.http.inject({
      method: 'GET',
      url: '/api/catalog/products',
      headers: { origin: 'https://admin.example.com' },
    });
    expect(simple.headers['access-control-allow-origin']).toBe('https://admin.example.com');
    expect(String(simple.headers['access-control-expose-headers'])).toContain('x-request-id');
    const other = await gateway.http.inject({
      ...preflight,
      headers: { ...preflight.headers, origin: 'https://evil.example' },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('the OpenAPI document', () => {
  it("lists the contract's public paths and methods, and not the ops routes", async () => {
    gateway = await build();
    const response = await gateway.http.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toMatch(/^3\./);
    const operations = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      [
        'POST /api/auth/register',
        'POST /api/auth/login',
        'POST /api/auth/refresh',
        'POST /api/auth/logout',
        'GET /api/auth/me',
        'GET /.well-known/jwks.json',
        'GET /.well-known/openid-configuration',
        'GET /.well-known/oauth-authorization-server',
        'GET /api/catalog/products',
        'GET /api/catalog/products/{id}',
        'POST /api/orders',
        'GET /api/orders',
        'GET /api/orders/{id}',
        'POST /api/orders/{id}/cancel',
      ].sort(),
    );
  });

  it('names the public URL as its one server, and takes tokens issued for it', async () => {
    gateway = await build();
    const local = (await gateway.http.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(local.servers.map((server: { url: string }) => server.url)).toEqual(['http://localhost:8080']);
    await gateway.close();

    const deployedGateway = await build({ PUBLIC_URL: 'https://api.shop.test' });
    gateway = deployedGateway;
    const deployed = (await deployedGateway.http.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(deployed.servers.map((server: { url: string }) => server.url)).toEqual(['https://api.shop.test']);
    // the issuer a token must name is that same address
    const me = (token: string) =>
      deployedGateway.http.inject({
        method: 'GET',
        url: '/api/auth/me',
        headers: { authorization: `Bearer ${token}` },
      });
    expect((await me(issuer.sign({ roles: [], iss: 'https://api.shop.test' }))).statusCode).toBe(200);
    expect((await me(issuer.sign({ roles: [] }))).statusCode).toBe(401);
  });

  it('describes bodies, Bearer security and problem answers', async () => {
    gateway = await build();
    const document = (await gateway.http.inject({ method: 'GET', url: '/openapi.json' })).json();
    const place = document.paths['/api/orders'].post;
    expect(place.security).toEqual([{ bearer: [] }]);
    expect(place.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ in: 'header', name: 'idempotency-key' })]),
    );
    expect(place.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
    expect(Object.keys(place.responses)).toEqual(
      expect.arrayContaining(['201', '400', '401', '409', '413', '503', '504']),
    );
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.components.schemas.Problem.required).toEqual(['type', 'title', 'status', 'detail']);
    expect(document.paths['/api/auth/register'].post.requestBody.content['application/json'].schema.required).toEqual([
      'email',
      'password',
    ]);
  });

  it('has a docs page at /docs', async () => {
    gateway = await build();
    const page = await gateway.http.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('swagger-ui');
  });
});

describe('readiness', () => {
  it("is ready while auth's JWKS can be loaded", async () => {
    gateway = await build();
    const response = await gateway.http.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ready', checks: { 'auth-jwks': 'ok' } });
  });

  it('is not ready when the JWKS cannot be loaded, and says why', async () => {
    gateway = await buildTestGateway({
      authUrl: auth.url,
      catalogAddress: catalog.address,
      ordersAddress: '127.0.0.1:1',
      jwksUrl: `${auth.url}/no-such-jwks`,
    });
    const response = await gateway.http.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json().checks['auth-jwks']).toContain('404');
  });

  it('answers 503 on protected routes (not 401) while the keys cannot be loaded: the token may be fine', async () => {
    const away = await startAuthStandIn();
    const jwksUrl = `${away.url}/.well-known/jwks.json`;
    await away.close();
    gateway = await buildTestGateway({
      authUrl: auth.url,
      catalogAddress: catalog.address,
      ordersAddress: '127.0.0.1:1',
      jwksUrl,
    });
    const response = await gateway.http.inject({
      method: 'GET',
      url: '/api/orders',
      headers: { authorization: `Bearer ${issuer.sign()}` },
    });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
  });

  it('fetches the JWKS for /readyz at most once per READINESS_CACHE_MS, however many probes arrive', async () => {
    gateway = await build({ READINESS_CACHE_MS: '60000' });
    const before = issuer.requests;
    const probes = await Promise.all(
      Array.from({ length: 50 }, () => gateway!.http.inject({ method: 'GET', url: '/readyz' })),
    );
    for (let i = 0; i < 20; i++) probes.push(await gateway.http.inject({ method: 'GET', url: '/readyz' }));
    expect(probes.every((probe) => probe.statusCode === 200)).toBe(true);
    expect(issuer.requests - before).toBe(1);
  });

  it('turns 503 for good once draining (shutdown began)', async () => {
    gateway = await build();
    gateway.readiness.drain();
    expect((await gateway.http.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
  });
});

describe('metrics', () => {
  it('count requests by route and gRPC client calls by method and code', async () => {
    gateway = await build();
    await gateway.http.inject({ method: 'GET', url: '/api/catalog/products' });
    const text = (await gateway.http.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toMatch(/http_server_requests_total\{[^}]*route="\/api\/catalog\/products"[^}]*status_code="200"/);
    expect(text).toMatch(/grpc_client_handled_total\{[^}]*grpc_method="ListProducts"[^}]*grpc_code="OK"/);
  });
});
