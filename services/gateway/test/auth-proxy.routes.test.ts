// The auth routes forwarded to a node:http stand-in for auth: what reaches auth (path, body, the headers that
// matter), what comes back (status, body, content-type, Retry-After, WWW-Authenticate, x-request-id), the edge's
// own limits before forwarding, and a missing or slow auth.
import { startTestIssuer, type TestIssuer } from '@platform/auth-kit/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayApp } from '../src/app.js';
import { type AuthStandIn, startAuthStandIn } from './downstreams.js';
import { buildTestGateway } from './gateway.js';

const AUTH_TIMEOUT_MS = 400;
let issuer: TestIssuer;
let auth: AuthStandIn;
let gateway: GatewayApp;

beforeAll(async () => {
  [issuer, auth] = await Promise.all([startTestIssuer(), startAuthStandIn()]);
  gateway = await buildTestGateway(
    { authUrl: auth.url, catalogAddress: '127.0.0.1:1', ordersAddress: '127.0.0.1:1', jwksUrl: issuer.jwksUrl },
    { AUTH_TIMEOUT_MS: String(AUTH_TIMEOUT_MS) },
  );
});

afterAll(async () => {
  await gateway.close();
  await Promise.all([auth.close(), issuer.close()]);
});

beforeEach(() => {
  auth.answerWith(undefined);
  auth.requests.length = 0;
});

describe('forwarding to auth', () => {
  const routes: [string, string, object | undefined, number, unknown][] = [
    ['POST', '/api/auth/register', { email: 'ada@example.com', password: 'correct horse' }, 201, { id: 'user-1' }],
    ['POST', '/api/auth/login', { email: 'ada@example.com', password: 'correct horse' }, 200, { tokenType: 'Bearer' }],
    ['POST', '/api/auth/refresh', { refreshToken: 'refresh-1' }, 200, { refreshToken: 'refresh-2' }],
    ['POST', '/api/auth/logout', { refreshToken: 'refresh-2' }, 204, undefined],
    ['GET', '/.well-known/jwks.json', undefined, 200, { keys: [{ kid: 'k1' }] }],
    ['GET', '/.well-known/openid-configuration', undefined, 200, { issuer: 'http://localhost:8080' }],
    ['GET', '/.well-known/oauth-authorization-server', undefined, 200, { issuer: 'http://localhost:8080' }],
  ];
  it.each(routes)(
    '%s %s reaches auth with its body and answers as auth did',
    async (method, url, payload, code, body) => {
      const response = await gateway.http.inject({
        method: method as 'GET' | 'POST',
        url,
        ...(payload ? { payload } : {}),
      });
      expect(response.statusCode).toBe(code);
      if (body === undefined) expect(response.body).toBe('');
      else {
        expect(response.headers['content-type']).toContain('application/json');
        expect(response.json()).toMatchObject(body as object);
      }
      expect(auth.requests).toHaveLength(1);
      expect(auth.requests[0]).toMatchObject({ method, url });
      if (payload) expect(JSON.parse(auth.requests[0]!.body)).toEqual(payload);
    },
  );

  it('GET /api/auth/me checks the token at the edge, then passes it on to auth', async () => {
    const token = issuer.sign({ sub: 'user-1' });
    const response = await gateway.http.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ id: 'user-1', email: 'ada@example.com', name: 'Ada', roles: [] });
    expect(auth.requests[0]?.headers.authorization).toBe(`Bearer ${token}`);
  });

  it('GET /api/auth/me without a valid token is a 401 at the edge; auth is not asked', async () => {
    const response = await gateway.http.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: 'Bearer nope' },
    });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
    expect(auth.requests).toHaveLength(0);
  });

  it("keeps auth's status, problem body, content-type and Retry-After (login throttling)", async () => {
    const problem = { type: 'about:blank', title: 'Too Many Requests', status: 429, detail: 'too many failed logins' };
    auth.answerWith({ status: 429, headers: { 'retry-after': '42' }, body: problem });
    const response = await gateway.http.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'ada@example.com', password: 'wrong' },
    });
    expect(response.statusCode).toBe(429);
    expect(response.headers['retry-after']).toBe('42');
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(response.json()).toEqual(problem);
  });

  it("keeps auth's WWW-Authenticate on a 401 and drops headers that are auth's own business", async () => {
    auth.answerWith({
      status: 401,
      headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
      body: { status: 401 },
    });
    const response = await gateway.http.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      payload: { refreshToken: 'spent' },
    });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(response.headers['x-internal-detail']).toBeUndefined();
  });

  it('passes x-request-id and traceparent on, and keeps the client’s request id in the answer', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const response = await gateway.http.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'x-request-id': 'req-login-1', traceparent, cookie: 'session=secret' },
      payload: { email: 'ada@example.com', password: 'correct horse' },
    });
    expect(response.headers['x-request-id']).toBe('req-login-1');
    const received = auth.requests[0]!.headers;
    expect(received['x-request-id']).toBe('req-login-1');
    expect(received.traceparent).toBe(traceparent);
    expect(received['x-forwarded-for']).toBe('127.0.0.1');
    expect(received.cookie).toBeUndefined();
  });

  it('gives auth the request id the gateway generated when the client sent none', async () => {
    const response = await gateway.http.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    const generated = response.headers['x-request-id'];
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    expect(auth.requests[0]?.headers['x-request-id']).toBe(generated);
  });
});

describe('the edge rules before forwarding', () => {
  it('answers 413 for a body over 1 MiB without sending it to auth', async () => {
    const response = await gateway.http.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email: 'ada@example.com', password: 'x'.repeat(1_100_000) },
    });
    expect(response.statusCode).toBe(413);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(auth.requests).toHaveLength(0);
  });

  it('answers 400 for malformed JSON without sending it to auth', async () => {
    const response = await gateway.http.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email":',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ status: 400 });
    expect(auth.requests).toHaveLength(0);
  });

  it("leaves the body rules to auth: an unknown field reaches auth and auth's 400 comes back", async () => {
    auth.answerWith({
      status: 400,
      body: { type: 'about:blank', title: 'Bad Request', status: 400, detail: 'unknown field' },
    });
    const response = await gateway.http.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email: 'ada@example.com', password: 'correct horse', admin: true },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ detail: 'unknown field' });
    expect(JSON.parse(auth.requests[0]!.body)).toMatchObject({ admin: true });
  });
});

describe('when auth is slow or away', () => {
  it('answers 504 problem details after the timeout when auth does not answer', async () => {
    auth.answerWith('hang');
    const started = Date.now();
    const response = await gateway.http.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'a@b.c', password: 'p' },
    });
    expect(response.statusCode).toBe(504);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 504 });
    expect(Date.now() - started).toBeLessThan(AUTH_TIMEOUT_MS + 2_500);
  });

  it('answers 503 problem details at once when auth is not listening', async () => {
    const away = await startAuthStandIn();
    const { url } = away;
    await away.close();
    const lonely = await buildTestGateway(
      { authUrl: url, catalogAddress: '127.0.0.1:1', ordersAddress: '127.0.0.1:1', jwksUrl: issuer.jwksUrl },
      { AUTH_TIMEOUT_MS: '5000' },
    );
    try {
      const started = Date.now();
      const response = await lonely.http.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'a@b.c', password: 'p' },
      });
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('1');
      expect(response.json()).toMatchObject({ status: 503, title: 'Service Unavailable' });
      // long before the 5 s timeout: a refused connection is an answer
      expect(Date.now() - started).toBeLessThan(4_000);
    } finally {
      await lonely.close();
    }
  });
});
