// POST /oauth/token against the built app on a real port: the client-credentials grant as RFC 6749 sections 2.3.1,
// 4.4 and 5 describe it, the tokens checked by the platform's own gRPC caller check (auth-kit) against the JWKS
// the app serves, and what a user's token and a service token can and cannot stand in for.
import { createHash } from 'node:crypto';
import { authenticateGrpcCaller, createJwtVerifier, type JwtVerifier, TokenError } from '@platform/auth-kit';
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from '@platform/test-databases';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClientRegistry } from '../src/client-registry.js';
import { type AuthServer, openFixture, startAuthServer, testConfig, uniqueEmail } from './auth-server.js';

const ORDERS_SECRET = 'orders secret: 32 random bytes in real life';
const REPORTS_SECRET = 'r'.repeat(43);
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const ORDERS = { client_id: 'orders', client_secret_sha256: sha256(ORDERS_SECRET), audiences: ['catalog'] };
const REPORTS = {
  client_id: 'reports',
  client_secret_sha256: sha256(REPORTS_SECRET),
  audiences: ['catalog', 'orders'],
};
const CLIENTS = JSON.stringify([ORDERS, REPORTS]);
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
/** A metadata value holder as grpc-js's Metadata answers `get`. */
const bearerMetadata = (token: string) => ({
  get: (key: string) => (key === 'authorization' ? [`Bearer ${token}`] : []),
});

describe('POST /oauth/token', () => {
  let database: TestDatabase;
  let fixture: Awaited<ReturnType<typeof openFixture>>;
  let server: AuthServer;
  let catalogVerifier: JwtVerifier;

  beforeAll(async () => {
    // the endpoint keeps nothing in the database; one kind is enough (the real server when there is one)
    database = await openTestDatabase(testDatabaseKinds().at(-1)!);
    fixture = await openFixture(database.url);
    const config = testConfig(database.url, {
      DATA_DIR: fixture.dataDir,
      OAUTH_CLIENTS: CLIENTS,
      CLIENT_TOKEN_TTL_SECONDS: '120',
    });
    server = await startAuthServer(fixture.pool, config);
    catalogVerifier = createJwtVerifier({ jwksUrl: server.jwksUrl, issuer: config.PUBLIC_URL, audience: 'catalog' });
  });

  afterAll(async () => {
    catalogVerifier?.close();
    await server?.close();
    await fixture?.close();
    await database?.close();
  });

  const tokenRequest = (form: string, authorization?: string) => {
    const call = request(server.url).post('/oauth/token').type('form').send(form);
    return authorization === undefined ? call : call.set('authorization', authorization);
  };

  it('issues an at+jwt service token for the client’s audience, never cached', async () => {
    const response = await tokenRequest('grant_type=client_credentials', basic('orders', ORDERS_SECRET));
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers.pragma).toBe('no-cache');
    expect(response.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 120 });

    const token = response.body.access_token as string;
    const [header, payload] = token
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    expect(header).toMatchObject({ typ: 'at+jwt', alg: 'ES256', kid: expect.any(String) });
    expect(payload).toEqual({
      iss: server.config.PUBLIC_URL,
      sub: 'orders',
      client_id: 'orders',
      aud: 'catalog',
      iat: expect.any(Number),
      exp: payload.iat + 120,
      jti: expect.any(String),
    });
    // exactly what catalog accepts for a stock change
    const caller = await authenticateGrpcCaller(bearerMetadata(token), {
      verifier: catalogVerifier,
      allowedClients: ['orders'],
    });
    expect(caller.clientId).toBe('orders');
  });

  it('gives a client the audience it asks for with resource, and refuses one it may not have', async () => {
    const forOrders = await tokenRequest(
      'grant_type=client_credentials&resource=orders',
      basic('reports', REPORTS_SECRET),
    );
    expect(forOrders.status).toBe(200);
    const payload = JSON.parse(Buffer.from(forOrders.body.access_token.split('.')[1], 'base64url').toString());
    expect(payload.aud).toBe('orders');

    const refused = await tokenRequest('grant_type=client_credentials&resource=orders', basic('orders', ORDERS_SECRET));
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ error: 'invalid_target', error_description: expect.any(String) });
  });

  it('answers 401 invalid_client with a Basic challenge, the same for a wrong secret and an unknown client', async () => {
    const answers = await Promise.all([
      tokenRequest('grant_type=client_credentials', basic('orders', 'wrong secret')),
      tokenRequest('grant_type=client_credentials', basic('nobody', ORDERS_SECRET)),
      tokenRequest('grant_type=client_credentials'),
      tokenRequest('grant_type=client_credentials', `Bearer ${ORDERS_SECRET}`),
      tokenRequest('grant_type=client_credentials', 'Basic !!!'),
    ]);
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.headers['www-authenticate']).toMatch(/^Basic realm="platform"/);
      expect(answer.headers['cache-control']).toBe('no-store');
      expect(answer.body.error).toBe('invalid_client');
    }
    expect(answers[0]!.body).toEqual(answers[1]!.body);
  });

  it.each([
    ['no grant_type', '', 'invalid_request'],
    ['an empty grant_type', 'grant_type=', 'invalid_request'],
    ['another grant', 'grant_type=password&username=a&password=b', 'unsupported_grant_type'],
    ['grant_type twice', 'grant_type=client_credentials&grant_type=client_credentials', 'invalid_request'],
    ['a scope', 'grant_type=client_credentials&scope=stock', 'invalid_scope'],
    [
      'the secret in the body as well',
      `grant_type=client_credentials&client_secret=${ORDERS_SECRET}`,
      'invalid_request',
    ],
    ['another client_id in the body', 'grant_type=client_credentials&client_id=reports', 'invalid_request'],
  ])('answers 400 for %s', async (_, form, error) => {
    const response = await tokenRequest(form, basic('orders', ORDERS_SECRET));
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toEqual({ error, error_description: expect.any(String) });
  });

  it('takes only a form: JSON and other media types are invalid_request', async () => {
    const json = await request(server.url)
      .post('/oauth/token')
      .set('authorization', basic('orders', ORDERS_SECRET))
      .send({ grant_type: 'client_credentials' });
    const text = await request(server.url)
      .post('/oauth/token')
      .set('authorization', basic('orders', ORDERS_SECRET))
      .set('content-type', 'text/plain')
      .send('grant_type=client_credentials');
    for (const response of [json, text]) {
      expect(response.status).toBe(400);
      expect(response.body.error).toBe('invalid_request');
    }
    const large = await tokenRequest(
      `grant_type=client_credentials&x=${'a'.repeat(10_000)}`,
      basic('orders', ORDERS_SECRET),
    );
    expect(large.status).toBe(413);
    expect(large.body.error).toBe('invalid_request');
  });

  it('keeps the two kinds of token apart: a service token is no user token, a user token no service token', async () => {
    const service = (await tokenRequest('grant_type=client_credentials', basic('orders', ORDERS_SECRET))).body
      .access_token as string;
    const me = await request(server.url).get('/api/auth/me').set('authorization', `Bearer ${service}`);
    expect(me.status).toBe(401);

    const email = uniqueEmail('oauth');
    await request(server.url).post('/api/auth/register').send({ email, password: 'correct horse battery' });
    const login = await request(server.url).post('/api/auth/login').send({ email, password: 'correct horse battery' });
    const refused = await authenticateGrpcCaller(bearerMetadata(login.body.accessToken), {
      verifier: catalogVerifier,
      allowedClients: ['orders'],
    }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TokenError);
  });
});

describe('the client registry (OAUTH_CLIENTS)', () => {
  it('authenticates a client by its secret only, and no client when unset', () => {
    const registry = createClientRegistry(CLIENTS);
    expect(registry.authenticate('orders', ORDERS_SECRET)).toEqual({ clientId: 'orders', audiences: ['catalog'] });
    expect(registry.authenticate('orders', REPORTS_SECRET)).toBeUndefined();
    expect(registry.authenticate('nobody', ORDERS_SECRET)).toBeUndefined();
    expect(createClientRegistry(undefined).authenticate('orders', ORDERS_SECRET)).toBeUndefined();
  });

  it.each([
    ['not JSON', '{', /OAUTH_CLIENTS is not JSON/],
    [
      'a plain secret instead of its hash',
      JSON.stringify([{ ...ORDERS, client_secret_sha256: ORDERS_SECRET }]),
      /OAUTH_CLIENTS is invalid: \/0\/client_secret_sha256/,
    ],
    ['no audience', JSON.stringify([{ ...ORDERS, audiences: [] }]), /OAUTH_CLIENTS is invalid/],
    ['a client twice', JSON.stringify([ORDERS, REPORTS, ORDERS]), /more than once/],
  ])('refuses %s, naming the variable and not echoing the value', (_, document, message) => {
    const attempt = () => createClientRegistry(document);
    expect(attempt).toThrow(message);
    expect(attempt).not.toThrow(ORDERS_SECRET);
  });
});
