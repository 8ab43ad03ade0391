// Key rotation: tokens signed before a rotation keep verifying (the JWKS lists current and previous), for keys
// generated under DATA_DIR (rotate-keys, then restart) and for keys mounted as files.
import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createJwtVerifier } from '@platform/auth-kit';
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from '@platform/test-databases';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateKeys } from '../src/signing-keys.js';
import { type AuthServer, openFixture, startAuthServer, testConfig, uniqueEmail } from './auth-server.js';

const PASSWORD = 'correct horse battery';

describe.each(testDatabaseKinds())('key rotation on %s', (kind) => {
  let database: TestDatabase;
  let fixture: Awaited<ReturnType<typeof openFixture>>;
  const servers: AuthServer[] = [];

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    fixture = await openFixture(database.url);
  });

  afterAll(async () => {
    for (const server of servers) await server.close();
    await fixture?.close();
    await database?.close();
  });

  async function start(env: Record<string, string>) {
    const server = await startAuthServer(fixture.pool, testConfig(database.url, env));
    servers.push(server);
    return server;
  }

  async function tokenFrom(server: AuthServer) {
    const email = uniqueEmail();
    await request(server.url).post('/api/auth/register').send({ email, password: PASSWORD }).expect(201);
    const response = await request(server.url).post('/api/auth/login').send({ email, password: PASSWORD }).expect(200);
    return response.body.accessToken as string;
  }

  const kidOf = (token: string) => jwt.decode(token, { complete: true })!.header.kid;

  it('keeps generated keys across restarts and, after rotate-keys, lists both and accepts tokens of either', async () => {
    const dataDir = join(fixture.dataDir, 'generated');
    const before = await start({ DATA_DIR: dataDir });
    const oldToken = await tokenFrom(before);
    await before.close();

    const restarted = await start({ DATA_DIR: dataDir });
    expect(restarted.app.keys.current.kid).toBe(kidOf(oldToken));
    await restarted.close();

    const rotated = await rotateKeys(dataDir);
    expect(rotated.previous).toBe(kidOf(oldToken));
    const after = await start({ DATA_DIR: dataDir });
    const jwks = await request(after.url).get('/.well-known/jwks.json').expect(200);
    expect(jwks.body.keys.map((key: { kid: string }) => key.kid)).toEqual([rotated.current, rotated.previous]);

    const newToken = await tokenFrom(after);
    expect(kidOf(newToken)).toBe(rotated.current);
    const verifier = createJwtVerifier({
      jwksUrl: after.jwksUrl,
      issuer: after.config.JWT_ISSUER,
      audience: after.config.JWT_AUDIENCE,
    });
    for (const token of [oldToken, newToken]) {
      await expect(verifier.verify(token)).resolves.toMatchObject({ roles: ['user'] });
      await request(after.url).get('/api/auth/me').set('authorization', `Bearer ${token}`).expect(200);
    }

    // a second rotation drops the oldest key: its tokens are no longer accepted
    await after.close();
    await rotateKeys(dataDir);
    const twiceRotated = await start({ DATA_DIR: dataDir });
    const me = await request(twiceRotated.url).get('/api/auth/me').set('authorization', `Bearer ${oldToken}`);
    expect(me.status).toBe(401);
    await request(twiceRotated.url).get('/api/auth/me').set('authorization', `Bearer ${newToken}`).expect(200);
  });

  it('signs with JWT_SIGNING_KEY_FILE (RSA: RS256) and publishes JWT_PREVIOUS_KEY_FILE', async () => {
    const previousPem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    const currentPem = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    const previousFile = join(fixture.dataDir, 'previous.pem');
    const currentFile = join(fixture.dataDir, 'current.pem');
    await writeFile(previousFile, previousPem, { mode: 0o600 });
    await writeFile(currentFile, currentPem, { mode: 0o600 });

    // before the rotation: the EC key signs alone
    const old = await start({ DATA_DIR: fixture.dataDir, JWT_SIGNING_KEY_FILE: previousFile });
    const oldToken = await tokenFrom(old);
    expect(jwt.decode(oldToken, { complete: true })!.header.alg).toBe('ES256');

    const rotated = await start({
      DATA_DIR: fixture.dataDir,
      JWT_SIGNING_KEY_FILE: currentFile,
      JWT_PREVIOUS_KEY_FILE: previousFile,
    });
    const jwks = await request(rotated.url).get('/.well-known/jwks.json').expect(200);
    expect(jwks.body.keys.map((key: { alg: string; kid: string }) => [key.alg, key.kid])).toEqual([
      ['RS256', rotated.app.keys.current.kid],
      ['ES256', kidOf(oldToken)],
    ]);
    const newToken = await tokenFrom(rotated);
    expect(jwt.decode(newToken, { complete: true })!.header).toMatchObject({
      alg: 'RS256',
      kid: rotated.app.keys.current.kid,
    });
    const verifier = createJwtVerifier({
      jwksUrl: rotated.jwksUrl,
      issuer: rotated.config.JWT_ISSUER,
      audience: rotated.config.JWT_AUDIENCE,
    });
    await expect(verifier.verify(oldToken)).resolves.toBeDefined();
    await expect(verifier.verify(newToken)).resolves.toBeDefined();
    const discovery = await request(rotated.url).get('/.well-known/openid-configuration').expect(200);
    expect(discovery.body.id_token_signing_alg_values_supported).toEqual(['RS256', 'ES256']);
  });
});
