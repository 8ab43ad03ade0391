// authenticateGrpcCaller against a real JWKS server (the test issuer) and grpc-js's own Metadata: the one value
// rule, end users' tokens, and service tokens checked for their type, their client and the clients allowed.
import { Metadata } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authenticateGrpcCaller,
  CallerNotAllowedError,
  createJwtVerifier,
  type JwtVerifier,
  TokenError,
} from '../src/index.js';
import { startTestIssuer, type TestIssuer } from '../src/testing/index.js';

let users: TestIssuer;
let services: TestIssuer;
let userVerifier: JwtVerifier;
let serviceVerifier: JwtVerifier;

beforeAll(async () => {
  [users, services] = await Promise.all([startTestIssuer(), startTestIssuer({ audience: 'catalog' })]);
  userVerifier = createJwtVerifier({ jwksUrl: users.jwksUrl, issuer: users.issuer, audience: users.audience });
  serviceVerifier = createJwtVerifier({
    jwksUrl: services.jwksUrl,
    issuer: services.issuer,
    audience: services.audience,
  });
});
afterAll(async () => {
  userVerifier?.close();
  serviceVerifier?.close();
  await Promise.all([users?.close(), services?.close()]);
});

const metadataWith = (...values: string[]) => {
  const metadata = new Metadata();
  for (const value of values) metadata.add('authorization', value);
  return metadata;
};
const bearer = (token: string) => metadataWith(`Bearer ${token}`);
const serviceToken = (clientId: string, overrides: Record<string, unknown> = {}) =>
  services.sign({ sub: clientId, client_id: clientId, roles: undefined, ...overrides }, { header: { typ: 'at+jwt' } });

async function failure(attempt: Promise<unknown>): Promise<unknown> {
  return attempt.then(
    () => {
      throw new Error('the caller was accepted');
    },
    (error: unknown) => error,
  );
}

describe('authenticateGrpcCaller for end users (no allowedClients)', () => {
  it('returns the verified user of the one authorization value', async () => {
    const token = users.sign({ sub: 'user-7', roles: ['user'] });
    const caller = await authenticateGrpcCaller(bearer(token), { verifier: userVerifier });
    expect(caller).toMatchObject({ subject: 'user-7', roles: ['user'], token, clientId: undefined });
    expect(Object.isFrozen(caller)).toBe(true);
  });

  it('refuses a missing value, a non-Bearer one and two values as UNAUTHENTICATED (TokenError)', async () => {
    const token = users.sign();
    for (const metadata of [
      new Metadata(),
      metadataWith(`Basic ${token}`),
      metadataWith(`Bearer ${token}`, `Bearer ${token}`),
    ]) {
      const error = await failure(authenticateGrpcCaller(metadata, { verifier: userVerifier }));
      expect(error).toBeInstanceOf(TokenError);
    }
    expect(
      ((await failure(authenticateGrpcCaller(new Metadata(), { verifier: userVerifier }))) as TokenError).reason,
    ).toBe('missing');
  });

  it('refuses a token the verifier refuses, such as one for another audience', async () => {
    const forCatalog = users.sign(
      { sub: 'orders', client_id: 'orders', aud: 'catalog' },
      { header: { typ: 'at+jwt' } },
    );
    const error = await failure(authenticateGrpcCaller(bearer(forCatalog), { verifier: userVerifier }));
    expect(error).toBeInstanceOf(TokenError);
    expect((error as TokenError).reason).toBe('claims');
  });
});

describe('authenticateGrpcCaller for services (allowedClients)', () => {
  const options = () => ({ verifier: serviceVerifier, allowedClients: ['orders'] });

  it('accepts an at+jwt access token issued to an allowed client', async () => {
    const caller = await authenticateGrpcCaller(bearer(serviceToken('orders')), options());
    expect(caller).toMatchObject({ subject: 'orders', clientId: 'orders' });
    const fullMediaType = services.sign(
      { sub: 'orders', client_id: 'orders' },
      { header: { typ: 'application/at+jwt' } },
    );
    await expect(authenticateGrpcCaller(bearer(fullMediaType), options())).resolves.toMatchObject({
      clientId: 'orders',
    });
  });

  it('answers a valid token of another client with CallerNotAllowedError (PERMISSION_DENIED)', async () => {
    const error = await failure(authenticateGrpcCaller(bearer(serviceToken('reports')), options()));
    expect(error).toBeInstanceOf(CallerNotAllowedError);
    expect((error as CallerNotAllowedError).clientId).toBe('reports');
  });

  it('refuses an end user’s token, even one minted for this audience, as not a service token', async () => {
    // what a user token would be if its audience matched: no at+jwt type, no client_id
    const userLike = services.sign({ sub: 'user-1', roles: ['user'] });
    const typedUser = services.sign({ sub: 'user-1' }, { header: { typ: 'at+jwt' } });
    const foreignClient = serviceToken('orders', { sub: 'user-1' });
    for (const token of [userLike, typedUser, foreignClient, users.sign({ sub: 'orders', client_id: 'orders' })]) {
      const error = await failure(authenticateGrpcCaller(bearer(token), options()));
      expect(error).toBeInstanceOf(TokenError);
    }
  });

  it('refuses an expired or forged service token', async () => {
    const expired = serviceToken('orders', { exp: Math.floor(Date.now() / 1000) - 3_600 });
    const forged = `${serviceToken('orders').slice(0, -4)}AAAA`;
    for (const token of [expired, forged]) {
      expect(await failure(authenticateGrpcCaller(bearer(token), options()))).toBeInstanceOf(TokenError);
    }
  });
});
