// Key rotation against auth's real JWKS with the service's own CLI step (generated keys under DATA_DIR); the
// Kubernetes and compose tools are proven the same way in e2e/test/key-rotation-tools.test.ts (this package's image
// build has neither scripts/ nor compose/). A verifier that keeps the JWKS and never refetches for an unknown kid
// (Istio's edge does exactly that for 5 minutes) must accept every token signed after a rotation; tokens signed
// before stay valid until their key is withdrawn, at once in an emergency.
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createJwtVerifier, type JwtVerifier, TokenError } from '@platform/auth-kit';
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from '@platform/test-databases';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keysDirectory, retiredPem, rotateKeyRing } from '../src/signing-keys.js';
import { type AuthServer, openFixture, startAuthServer, testConfig, uniqueEmail } from './auth-server.js';

const PASSWORD = 'correct horse battery';
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const PUBLISHED = 960;
const run = promisify(execFile);

describe.each(testDatabaseKinds())('key rotation on %s', (kind) => {
  let database: TestDatabase;
  let fixture: Awaited<ReturnType<typeof openFixture>>;
  const servers: AuthServer[] = [];
  const verifiers: JwtVerifier[] = [];

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    fixture = await openFixture(database.url);
  });

  afterAll(async () => {
    for (const verifier of verifiers) verifier.close();
    for (const server of servers) await server.close();
    await fixture?.close();
    await database?.close();
  });

  async function start(env: Record<string, string>) {
    const server = await startAuthServer(fixture.pool, testConfig(database.url, env));
    servers.push(server);
    return server;
  }

  /** A verifier like Istio's edge: it keeps the JWKS it fetched first and never refetches, even for unknown kids. */
  function edgeVerifier(server: AuthServer) {
    const verifier = createJwtVerifier({
      jwksUrl: server.jwksUrl,
      issuer: server.config.PUBLIC_URL,
      audience: server.config.JWT_AUDIENCE,
      jwksRefetchIntervalMs: 3_600_000,
      jwksMaxAgeMs: 3_600_000,
    });
    verifiers.push(verifier);
    return verifier;
  }

  async function tokenFrom(server: AuthServer) {
    const email = uniqueEmail();
    await request(server.url).post('/api/auth/register').send({ email, password: PASSWORD }).expect(201);
    const response = await request(server.url).post('/api/auth/login').send({ email, password: PASSWORD }).expect(200);
    return response.body.accessToken as string;
  }

  const kidOf = (token: string) => jwt.decode(token, { complete: true })!.header.kid;
  const published = async (server: AuthServer) =>
    (await request(server.url).get('/.well-known/jwks.json').expect(200)).body.keys.map(
      (key: { kid: string }) => key.kid,
    );
  const me = (server: AuthServer, token: string) =>
    request(server.url).get('/api/auth/me').set('authorization', `Bearer ${token}`);
  const reasonOf = (verification: Promise<unknown>) =>
    verification.then(
      () => 'accepted',
      (error: unknown) => (error instanceof TokenError ? error.reason : String(error)),
    );
  /** As if the next key had been published for longer than verifiers keep a JWKS. */
  const agePublished = (file: string) => utimes(file, new Date(Date.now() - 600_000), new Date(Date.now() - 600_000));

  /**
   * The whole sequence on one key ring directory: `rotate` performs one step there (the tool under test), `restart`
   * starts auth on the ring again as a redeploy would.
   */
  async function proveSequence(restart: () => Promise<AuthServer>, rotate: (emergency: boolean) => Promise<void>) {
    const before = await restart();
    const [current, next] = await published(before);
    const oldToken = await tokenFrom(before);
    expect(kidOf(oldToken)).toBe(current);
    const edge = edgeVerifier(before);
    await edge.verify(oldToken); // the edge fetches the JWKS now and keeps it
    await before.close();

    await rotate(false);
    const after = await restart();
    // the key that signs now is the one the edge has had all along
    expect(after.app.keys.current.kid).toBe(next);
    const newToken = await tokenFrom(after);
    expect(kidOf(newToken)).toBe(next);
    expect(await reasonOf(edge.verify(newToken))).toBe('accepted');
    // the old key is published as previous: its tokens stay valid, here and at any verifier fetching now
    expect(await published(after)).toEqual([next, after.app.keys.next.kid, current]);
    const fresh = edgeVerifier(after);
    expect(await reasonOf(fresh.verify(oldToken))).toBe('accepted');
    await me(after, oldToken).expect(200);
    await after.close();

    // an emergency rotation withdraws the signing key at once: its tokens are refused by auth and by new verifiers
    await rotate(true);
    const emergency = await restart();
    expect(await published(emergency)).not.toContain(next);
    expect((await me(emergency, newToken)).status).toBe(401);
    expect(await reasonOf(edgeVerifier(emergency).verify(newToken))).toBe('unknown-kid');
    await me(emergency, await tokenFrom(emergency)).expect(200);
    await emergency.close();
  }

  it('rotates generated keys under DATA_DIR in steps (the rotate-keys CLI)', async () => {
    const dataDir = join(fixture.dataDir, 'generated');
    const directory = keysDirectory(dataDir);
    await proveSequence(
      () => start({ DATA_DIR: dataDir }),
      async (emergency) => {
        await agePublished(join(directory, 'next.pem'));
        const args = emergency ? ['--emergency'] : [];
        const { stdout } = await run(process.execPath, [join(REPO, 'services/auth/dist/rotate-keys.js'), ...args], {
          env: { PATH: process.env.PATH, DATA_DIR: dataDir },
        });
        expect(stdout).toMatch(/key ring rotated/);
      },
    );
  });

  it('withdraws the previous key by itself once the tokens it signed have expired', async () => {
    const dataDir = join(fixture.dataDir, 'withdrawal');
    const directory = keysDirectory(dataDir);
    const first = await start({ DATA_DIR: dataDir });
    const oldToken = await tokenFrom(first);
    await first.close();
    await agePublished(join(directory, 'next.pem'));
    await rotateKeyRing(directory, { previousPublishedSeconds: PUBLISHED });
    // the rotation happened a whole token lifetime plus skew ago, less 2 s
    const previousPem = await readFile(join(directory, 'previous.pem'), 'utf8');
    const publicPem = previousPem.slice(previousPem.indexOf('-----BEGIN'));
    await writeFile(
      join(directory, 'previous.pem'),
      retiredPem(publicPem, new Date(Date.now() - (PUBLISHED - 2) * 1000)),
    );

    const running = await start({ DATA_DIR: dataDir });
    expect(await published(running)).toContain(kidOf(oldToken));
    await me(running, oldToken).expect(200);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    // the same process, not restarted: the previous key has left its JWKS
    expect(await published(running)).not.toContain(kidOf(oldToken));
    expect((await me(running, oldToken)).status).toBe(401);
    await running.close();
  });

  it('signs RS256 with an RSA current key', async () => {
    const keysDir = join(fixture.dataDir, 'rsa');
    await mkdir(keysDir, { recursive: true });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await writeFile(join(keysDir, 'current.pem'), rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }));
    const next = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    await writeFile(join(keysDir, 'next.pem'), next.publicKey.export({ format: 'pem', type: 'spki' }));
    const server = await start({ DATA_DIR: fixture.dataDir, JWT_KEYS_DIR: keysDir });
    const token = await tokenFrom(server);
    expect(jwt.decode(token, { complete: true })!.header).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
    await expect(edgeVerifier(server).verify(token)).resolves.toBeDefined();
    const jwks = await request(server.url).get('/.well-known/jwks.json').expect(200);
    expect(jwks.body.keys.map((key: { alg: string }) => key.alg)).toEqual(['RS256', 'ES256']);
  });
});
