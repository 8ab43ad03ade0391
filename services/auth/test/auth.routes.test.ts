// Every auth row of the contract against the built app on a real database, and the token rules checked by the
// platform's own verifier (@platform/auth-kit) against the JWKS the app serves on a real port.
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { createJwtVerifier, type JwtVerifier, TokenError } from '@platform/auth-kit';
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from '@platform/test-databases';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPasswordHasher } from '../src/passwords.js';
import { type AuthServer, openFixture, startAuthServer, testConfig, uniqueEmail } from './auth-server.js';

const PASSWORD = 'correct horse battery';

describe.each(testDatabaseKinds())('auth routes on %s', (kind) => {
  let database: TestDatabase;
  let fixture: Awaited<ReturnType<typeof openFixture>>;
  let server: AuthServer;
  let verifier: JwtVerifier;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    fixture = await openFixture(database.url);
    const config = testConfig(database.url, { DATA_DIR: fixture.dataDir, LOGIN_MAX_FAILURES_PER_IP: '10000' });
    server = await startAuthServer(fixture.pool, config);
    verifier = createJwtVerifier({ jwksUrl: server.jwksUrl, issuer: config.PUBLIC_URL, audience: config.JWT_AUDIENCE });
  });

  afterAll(async () => {
    verifier?.close();
    await server?.close();
    await fixture?.close();
    await database?.close();
  });

  const api = () => request(server.url);

  async function register(email = uniqueEmail(), name?: string) {
    const response = await api()
      .post('/api/auth/register')
      .send({ email, password: PASSWORD, ...(name ? { name } : {}) });
    expect(response.status).toBe(201);
    return response.body as { id: string; email: string; name: string | null };
  }

  async function login(email: string, password = PASSWORD) {
    const response = await api().post('/api/auth/login').send({ email, password });
    expect(response.status).toBe(200);
    return response.body as { accessToken: string; refreshToken: string; tokenType: string; expiresIn: number };
  }

  describe('POST /api/auth/register', () => {
    it('creates a user with a lower-cased email and answers 201 {id, email, name}', async () => {
      const email = uniqueEmail('Mixed.Case');
      const response = await api().post('/api/auth/register').send({ email, password: PASSWORD, name: 'Ada' });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        email: email.toLowerCase(),
        name: 'Ada',
      });
    });

    it('answers 400 problems for an invalid email, a password under 8 characters and unknown fields', async () => {
      const cases = [
        { email: 'not-an-email', password: PASSWORD },
        { email: uniqueEmail(), password: 'seven77' },
        { email: uniqueEmail(), password: PASSWORD, admin: true },
        { password: PASSWORD },
      ];
      for (const body of cases) {
        const response = await api().post('/api/auth/register').send(body);
        expect(response.status, JSON.stringify(body)).toBe(400);
        expect(response.headers['content-type']).toContain('application/problem+json');
        expect(response.body).toMatchObject({ status: 400, title: expect.any(String), detail: expect.any(String) });
      }
    });

    it('answers 409 for an email taken, whatever its case', async () => {
      const email = uniqueEmail();
      await register(email);
      const response = await api().post('/api/auth/register').send({ email: email.toUpperCase(), password: PASSWORD });
      expect(response.status).toBe(409);
      expect(response.body).toMatchObject({ status: 409, title: 'Conflict' });
    });

    it('answers 400 for malformed JSON', async () => {
      const response = await api().post('/api/auth/register').set('content-type', 'application/json').send('{"email":');
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
    });
  });

  describe('POST /api/auth/login', () => {
    it('answers 200 with a Bearer pair whose access token the platform verifier accepts', async () => {
      const user = await register(uniqueEmail(), 'Grace');
      const pair = await login(user.email.toUpperCase());
      expect(pair).toEqual({
        accessToken: expect.any(String),
        refreshToken: expect.stringMatching(/^[\w-]{43}$/),
        tokenType: 'Bearer',
        expiresIn: server.config.ACCESS_TOKEN_TTL_SECONDS,
      });
      const verified = await verifier.verify(pair.accessToken);
      expect(verified.subject).toBe(user.id);
      expect(verified.roles).toEqual(['user']);
      expect(verified.issuer).toBe(server.config.PUBLIC_URL);
      expect(verified.tokenId).toMatch(/^[0-9a-f-]{36}$/);
      expect(verified.expiresAt - verified.issuedAt!).toBe(server.config.ACCESS_TOKEN_TTL_SECONDS);
    });

    it('signs ES256 with the kid of a key in its JWKS and the claims of the contract', async () => {
      const user = await register();
      const { accessToken } = await login(user.email);
      const decoded = jwt.decode(accessToken, { complete: true })!;
      const jwks = await api().get('/.well-known/jwks.json');
      expect(decoded.header).toMatchObject({ alg: 'ES256', typ: 'at+jwt', kid: jwks.body.keys[0].kid });
      expect(decoded.payload).toEqual({
        iss: server.config.PUBLIC_URL,
        aud: server.config.JWT_AUDIENCE,
        sub: user.id,
        iat: expect.any(Number),
        exp: expect.any(Number),
        jti: expect.any(String),
        roles: ['user'],
      });
    });

    it('answers tokens uncacheable (RFC 6749 5.1) and with the API security headers', async () => {
      const user = await register();
      const response = await api().post('/api/auth/login').send({ email: user.email, password: PASSWORD });
      const refreshed = await api().post('/api/auth/refresh').send({ refreshToken: response.body.refreshToken });
      for (const answer of [response, refreshed]) {
        expect(answer.status).toBe(200);
        expect(answer.headers).toMatchObject({
          'cache-control': 'no-store',
          pragma: 'no-cache',
          'x-content-type-options': 'nosniff',
          'x-frame-options': 'DENY',
          'content-security-policy': "frame-ancestors 'none'",
          'content-type': expect.stringContaining('application/json'),
        });
      }
    });

    it('upgrades a hash made with weaker scrypt parameters on the next login, and it still verifies', async () => {
      const user = await register();
      const weak = await createPasswordHasher({ N: 2 ** 9, r: 8, p: 1 }).hash(PASSWORD);
      await fixture.pool.query('UPDATE auth.users SET password_hash = $2 WHERE id = $1', [user.id, weak]);
      await login(user.email);
      const { rows } = await fixture.pool.query('SELECT password_hash FROM auth.users WHERE id = $1', [user.id]);
      expect(rows[0].password_hash).toMatch(/^scrypt\$1024\$8\$1\$/);
      await login(user.email);
    });

    it('gives the same 401 for an unknown email and for a wrong password', async () => {
      const user = await register();
      const wrong = await api().post('/api/auth/login').send({ email: user.email, password: 'wrong password' });
      const unknown = await api()
        .post('/api/auth/login')
        .send({ email: uniqueEmail('nobody'), password: PASSWORD });
      for (const response of [wrong, unknown]) {
        expect(response.status).toBe(401);
        expect(response.headers['www-authenticate']).toBe('Bearer realm="platform"');
        expect(response.headers['content-type']).toContain('application/problem+json');
      }
      expect(unknown.body).toEqual(wrong.body);
    });
  });

  describe('POST /api/auth/refresh', () => {
    it('rotates: answers a new pair, and the presented token is spent', async () => {
      const user = await register();
      const first = await login(user.email);
      const second = await api().post('/api/auth/refresh').send({ refreshToken: first.refreshToken });
      expect(second.status).toBe(200);
      expect(second.body.tokenType).toBe('Bearer');
      expect(second.body.refreshToken).not.toBe(first.refreshToken);
      expect((await verifier.verify(second.body.accessToken)).subject).toBe(user.id);
      const third = await api().post('/api/auth/refresh').send({ refreshToken: second.body.refreshToken });
      expect(third.status).toBe(200);
    });

    it('revokes every token of the login when a spent token is presented again, and only that login', async () => {
      const user = await register();
      const stolen = await login(user.email);
      const otherLogin = await login(user.email);
      const rotated = await api().post('/api/auth/refresh').send({ refreshToken: stolen.refreshToken });
      expect(rotated.status).toBe(200);

      const reuse = await api().post('/api/auth/refresh').send({ refreshToken: stolen.refreshToken });
      expect(reuse.status).toBe(401);
      expect(reuse.headers['www-authenticate']).toMatch(/^Bearer realm="platform", error="invalid_token"/);

      // the legitimate holder's newer token is revoked with the family
      const afterReuse = await api().post('/api/auth/refresh').send({ refreshToken: rotated.body.refreshToken });
      expect(afterReuse.status).toBe(401);
      // another login of the same user is a different family and goes on
      const other = await api().post('/api/auth/refresh').send({ refreshToken: otherLogin.refreshToken });
      expect(other.status).toBe(200);
    });

    it('ends a login at its absolute lifetime, however often it was refreshed', async () => {
      const user = await register();
      const first = await login(user.email);
      const second = await api().post('/api/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200);
      // the login began longer ago than REFRESH_FAMILY_MAX_AGE_SECONDS
      await fixture.pool.query(
        `UPDATE auth.refresh_families SET expires_at = now() - interval '1 second'
         WHERE id = (SELECT family_id FROM auth.refresh_tokens WHERE user_id = $1 LIMIT 1)`,
        [user.id],
      );
      const refused = await api().post('/api/auth/refresh').send({ refreshToken: second.body.refreshToken });
      expect(refused.status).toBe(401);
    });

    it('answers 401 for an unknown token and 400 for a body that fails the schema', async () => {
      const unknown = await api()
        .post('/api/auth/refresh')
        .send({ refreshToken: 'x'.repeat(43) });
      expect(unknown.status).toBe(401);
      expect(unknown.headers['www-authenticate']).toMatch(/^Bearer realm="platform", error="invalid_token"/);
      const extra = await api().post('/api/auth/refresh').send({ refreshToken: 'x', userId: randomUUID() });
      expect(extra.status).toBe(400);
    });
  });

  describe('POST /api/auth/logout', () => {
    it('answers 204 and the refresh token, and every token rotated from it, no longer works', async () => {
      const user = await register();
      const pair = await login(user.email);
      const rotated = await api().post('/api/auth/refresh').send({ refreshToken: pair.refreshToken });
      const logout = await api().post('/api/auth/logout').send({ refreshToken: rotated.body.refreshToken });
      expect(logout.status).toBe(204);
      expect(logout.text).toBe('');
      const refresh = await api().post('/api/auth/refresh').send({ refreshToken: rotated.body.refreshToken });
      expect(refresh.status).toBe(401);
    });

    it('answers 204 for a token it does not know, so it reveals nothing', async () => {
      const response = await api()
        .post('/api/auth/logout')
        .send({ refreshToken: 'y'.repeat(43) });
      expect(response.status).toBe(204);
    });
  });

  describe('GET /api/auth/me', () => {
    it('answers 200 {id, email, name, roles} for a valid Bearer token', async () => {
      const user = await register(uniqueEmail(), 'Lin');
      const { accessToken } = await login(user.email);
      const response = await api().get('/api/auth/me').set('authorization', `Bearer ${accessToken}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ id: user.id, email: user.email, name: 'Lin', roles: ['user'] });
    });

    it('answers 401 with WWW-Authenticate: Bearer without a token', async () => {
      for (const header of [undefined, 'Basic dTpw', 'Bearer']) {
        const call = api().get('/api/auth/me');
        const response = header ? await call.set('authorization', header) : await call;
        expect(response.status, String(header)).toBe(401);
        expect(response.headers['www-authenticate']).toBe('Bearer realm="platform"');
        expect(response.headers['content-type']).toContain('application/problem+json');
      }
    });

    it('rejects every token the contract rejects, with 401 invalid_token, as the platform verifier does', async () => {
      const user = await register();
      const { accessToken } = await login(user.email);
      const { header, payload } = jwt.decode(accessToken, { complete: true })!;
      const claims = payload as jwt.JwtPayload;
      const ringKey = server.app.keys.current;
      const publicPem = ringKey.publicKey.export({ format: 'pem', type: 'spki' }).toString();
      const now = Math.floor(Date.now() / 1000);
      const typed = { alg: 'ES256', typ: 'at+jwt' } as const;
      const sign = (body: object, kid = header.kid, extra: object = {}) =>
        jwt.sign(body, ringKey.privateKey, { algorithm: 'ES256', keyid: kid, header: { ...typed, ...extra } });
      const [encodedHeader, encodedPayload, signature] = accessToken.split('.');
      const otherKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;

      const hsSigningInput = `${base64url({ alg: 'HS256', typ: 'JWT', kid: header.kid })}.${encodedPayload}`;
      const { exp: _exp, ...withoutExp } = claims;
      const { iat: _iat, ...withoutIat } = claims;

      const forged: Record<string, string> = {
        'alg none': `${base64url({ alg: 'none', typ: 'JWT', kid: header.kid })}.${encodedPayload}.`,
        'HS256 signed with the public key': `${hsSigningInput}.${hmac(hsSigningInput, publicPem)}`,
        'unknown kid': sign(claims, 'no-such-key'),
        'signed by a key not in the JWKS': jwt.sign(claims, otherKey, {
          algorithm: 'ES256',
          keyid: header.kid,
          header: typed,
        }),
        'wrong iss': sign({ ...claims, iss: 'http://evil.example' }),
        'wrong aud': sign({ ...claims, aud: 'other-api' }),
        expired: sign({ ...claims, iat: now - 3600, exp: now - 120 }),
        'not yet valid': sign({ ...claims, nbf: now + 600 }),
        'missing exp': sign(withoutExp),
        'missing iat': jwt.sign(withoutIat, ringKey.privateKey, {
          algorithm: 'ES256',
          keyid: header.kid,
          header: typed,
          noTimestamp: true,
        }),
        'iat in the future': sign({ ...claims, iat: now + 600, exp: now + 900 }),
        'living a day': sign({ ...claims, iat: now, exp: now + 86_400 }),
        'typed as a plain JWT': sign(claims, header.kid, { typ: 'JWT' }),
        'an unknown critical header': sign(claims, header.kid, { crit: ['x-bound'], 'x-bound': 1 }),
        'tampered signature': `${encodedHeader}.${encodedPayload}.${flip(signature!)}`,
        'tampered payload': `${encodedHeader}.${base64url({ ...claims, roles: ['admin'] })}.${signature}`,
        malformed: 'not.a.jwt',
      };
      for (const [name, token] of Object.entries(forged)) {
        const response = await api().get('/api/auth/me').set('authorization', `Bearer ${token}`);
        expect(response.status, name).toBe(401);
        expect(response.headers['www-authenticate'], name).toMatch(/^Bearer realm="platform", error="invalid_token"/);
        await expect(verifier.verify(token), name).rejects.toBeInstanceOf(TokenError);
      }
      // the untouched token passes both, so the rejections above are about what was changed
      expect((await api().get('/api/auth/me').set('authorization', `Bearer ${accessToken}`)).status).toBe(200);
    });

    it('answers 401 when the token is valid but its user no longer exists', async () => {
      const user = await register();
      const { accessToken } = await login(user.email);
      await fixture.pool.query('DELETE FROM auth.users WHERE id = $1', [user.id]);
      const response = await api().get('/api/auth/me').set('authorization', `Bearer ${accessToken}`);
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="platform", error="invalid_token"/);
    });
  });

  describe('/.well-known', () => {
    it('serves the public keys only, with kid, alg and use: the current key, then the next one', async () => {
      const response = await api().get('/.well-known/jwks.json');
      expect(response.status).toBe(200);
      expect(response.body.keys.map((key: { kid: string }) => key.kid)).toEqual([
        server.app.keys.current.kid,
        server.app.keys.next.kid,
      ]);
      expect(response.headers['cache-control']).toBe('public, max-age=300');
      const [key] = response.body.keys;
      expect(key).toEqual({
        kty: 'EC',
        crv: 'P-256',
        x: expect.any(String),
        y: expect.any(String),
        kid: server.app.keys.current.kid,
        alg: 'ES256',
        use: 'sig',
      });
      expect(key).not.toHaveProperty('d');
    });

    it('serves the issuer metadata at both well-known paths: the public URL as issuer, its JWKS under it', async () => {
      for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
        const response = await api().get(path);
        expect(response.status).toBe(200);
        expect(response.headers['cache-control']).toBe('public, max-age=300');
        // the platform's address, not auth's own: clients fetch this through the gateway
        expect(response.body).toEqual({
          issuer: server.config.PUBLIC_URL,
          jwks_uri: `${server.config.PUBLIC_URL}/.well-known/jwks.json`,
          response_types_supported: [],
          grant_types_supported: [],
        });
        expect(response.body.issuer).not.toBe(server.url);
      }
    });
  });

  it('answers problem details for an unknown route and reports ready while the database answers', async () => {
    const missing = await api().get('/api/auth/nope');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    const ready = await api().get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ database: 'ok' });
  });
});

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function hmac(input: string, secret: string): string {
  return createHmac('sha256', secret).update(input).digest('base64url');
}

function flip(signature: string): string {
  const bytes = Buffer.from(signature, 'base64url');
  bytes[bytes.length - 1]! ^= 0x01;
  return bytes.toString('base64url');
}
