import { createJwtVerifier } from '@platform/auth-kit';
import { startTestIssuer, type TestIssuer } from '@platform/auth-kit/testing';
import { createHttpServer, createLogger, createMetrics, createReadiness, type HttpServer } from '@platform/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authentication } from './authentication.js';

let issuer: TestIssuer;
let app: HttpServer;

beforeAll(async () => {
  issuer = await startTestIssuer();
  app = createHttpServer({
    logger: createLogger({ service: 'test', level: 'silent' }),
    metrics: createMetrics('test'),
    readiness: createReadiness(),
  });
  await app.register(authentication, {
    verifier: createJwtVerifier({ jwksUrl: issuer.jwksUrl, issuer: issuer.issuer, audience: issuer.audience }),
  });
  app.get('/whoami', { preHandler: app.requireUser }, async (request) => ({
    subject: request.user?.subject,
    roles: request.user?.roles,
  }));
  app.get('/admin', { preHandler: [app.requireUser, app.requireRole('admin')] }, async () => ({ ok: true }));
  app.get('/public', async (request) => ({ user: request.user }));
});

afterAll(async () => {
  await app.close();
  await issuer.close();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('authentication', () => {
  it('puts the verified caller on request.user', async () => {
    const response = await app.inject({ url: '/whoami', headers: bearer(issuer.sign({ sub: 'u-7', roles: ['a'] })) });
    expect(response.json()).toEqual({ subject: 'u-7', roles: ['a'] });
  });

  it('leaves request.user null on routes that do not require one', async () => {
    const response = await app.inject({ url: '/public', headers: bearer(issuer.sign()) });
    expect(response.json()).toEqual({ user: null });
  });

  it('rejects an alg=none token with 401 and an invalid_token challenge', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ sub: 'u', exp: Math.floor(Date.now() / 1000) + 60 })).toString(
      'base64url',
    );
    const response = await app.inject({ url: '/whoami', headers: bearer(`${header}.${payload}.`) });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="platform", error="invalid_token"/);
  });

  it('answers 403 when the caller lacks the role, and lets it through with it', async () => {
    const without = await app.inject({ url: '/admin', headers: bearer(issuer.sign({ roles: ['customer'] })) });
    expect(without.statusCode).toBe(403);
    expect(without.headers['content-type']).toContain('application/problem+json');
    expect(without.headers['www-authenticate']).toContain('insufficient_scope');
    expect(without.json()).toMatchObject({ status: 403, title: 'Forbidden' });
    const withRole = await app.inject({ url: '/admin', headers: bearer(issuer.sign({ roles: ['admin'] })) });
    expect(withRole.statusCode).toBe(200);
  });

  it('answers 401, not 403, when there is no token at all on a role route', async () => {
    const response = await app.inject({ url: '/admin' });
    expect(response.statusCode).toBe(401);
  });
});
