// The verifier against a real JWKS server on loopback (the test issuer): what it accepts, what it rejects and why,
// how often it fetches the JWKS, and what its verified-token cache answers.
import { createHmac, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import jwt from 'jsonwebtoken';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createJwtVerifier, type JwtVerifier, type JwtVerifierOptions, TokenError } from '../src/index.js';
import { startTestIssuer, type TestIssuer } from '../src/testing/index.js';

const now = () => Math.floor(Date.now() / 1000);
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const parts = (token: string) => token.split('.') as [string, string, string];
const headerOf = (token: string) => JSON.parse(Buffer.from(parts(token)[0], 'base64url').toString()) as jwt.JwtHeader;

async function reasonOf(verification: Promise<unknown>): Promise<string> {
  try {
    await verification;
  } catch (error) {
    expect(error).toBeInstanceOf(TokenError);
    return (error as TokenError).reason;
  }
  throw new Error('the token was accepted');
}

let issuer: TestIssuer;
let verifier: JwtVerifier;
const opened: JwtVerifier[] = [];

function verifierFor(overrides: Partial<JwtVerifierOptions> = {}, of: TestIssuer = issuer): JwtVerifier {
  const created = createJwtVerifier({ jwksUrl: of.jwksUrl, issuer: of.issuer, audience: of.audience, ...overrides });
  opened.push(created);
  return created;
}

// One issuer for the file (RSA key generation is slow); a test that stops or rotates its issuer starts its own.
async function withOwnIssuer(test: (own: TestIssuer) => Promise<void>): Promise<void> {
  const own = await startTestIssuer();
  try {
    await test(own);
  } finally {
    await own.close();
  }
}

beforeAll(async () => {
  issuer = await startTestIssuer();
});

afterAll(async () => {
  await issuer.close();
});

beforeEach(() => {
  verifier = verifierFor();
});

afterEach(() => {
  for (const created of opened.splice(0)) created.close();
});

describe('accepted tokens', () => {
  it('accepts an RS256 token and reads its identity', async () => {
    const iat = now();
    const token = issuer.sign({ sub: 'user-42', roles: ['customer', 'admin'], jti: 'token-1', iat, exp: iat + 600 });
    const verified = await verifier.verify(token);
    expect(verified).toEqual({
      subject: 'user-42',
      roles: ['customer', 'admin'],
      tokenId: 'token-1',
      issuedAt: iat,
      expiresAt: iat + 600,
      issuer: issuer.issuer,
      token,
    });
  });

  it('accepts an ES256 token', async () => {
    const token = issuer.sign({ sub: 'user-7' }, { algorithm: 'ES256' });
    expect(headerOf(token).alg).toBe('ES256');
    expect((await verifier.verify(token)).subject).toBe('user-7');
  });

  it('accepts an aud array that contains the audience, and reads absent roles as none', async () => {
    const token = issuer.sign({ aud: ['other-api', issuer.audience], roles: undefined });
    expect((await verifier.verify(token)).roles).toEqual([]);
  });

  it('fetches the JWKS once and serves every later key lookup from its cache', async () => {
    const before = issuer.requests;
    const fresh = verifierFor();
    expect(issuer.requests).toBe(before); // constructing a verifier fetches nothing
    await Promise.all([1, 2, 3, 4, 5].map((n) => fresh.verify(issuer.sign({ sub: `user-${n}` }))));
    await fresh.verify(issuer.sign({}, { algorithm: 'ES256' }));
    await fresh.verify(issuer.sign({ sub: 'user-9' }));
    expect(issuer.requests - before).toBe(1);
    expect(fresh.stats().signatureChecks).toBe(7);
  });
});

describe('rejected tokens', () => {
  it('rejects alg none', async () => {
    const valid = issuer.sign();
    const unsigned = `${base64url({ ...headerOf(valid), alg: 'none' })}.${parts(valid)[1]}.`;
    expect(await reasonOf(verifier.verify(unsigned))).toBe('algorithm');
  });

  it('rejects HS256 signed with the public key PEM as the HMAC secret (algorithm confusion)', async () => {
    const response = await fetch(issuer.jwksUrl);
    const { keys } = (await response.json()) as { keys: (Record<string, string> & { kid: string })[] };
    const rsaJwk = keys.find((key) => key.kty === 'RSA')!;
    const pem = createPublicKey({ key: rsaJwk, format: 'jwk' }).export({ format: 'pem', type: 'spki' }).toString();
    const signingInput = `${base64url({ alg: 'HS256', typ: 'JWT', kid: rsaJwk.kid })}.${parts(issuer.sign())[1]}`;
    const forged = `${signingInput}.${createHmac('sha256', pem).update(signingInput).digest('base64url')}`;
    expect(await reasonOf(verifier.verify(forged))).toBe('algorithm');
  });

  it('rejects a key used with an algorithm other than the one the JWKS publishes it for', async () => {
    const { keys } = (await (await fetch(issuer.jwksUrl)).json()) as { keys: { kid: string; alg: string }[] };
    const ecKid = keys.find((key) => key.alg === 'ES256')!.kid;
    const token = issuer.sign({}, { algorithm: 'RS256', kid: ecKid });
    expect(await reasonOf(verifier.verify(token))).toBe('algorithm');
  });

  it('rejects an unknown kid and a missing kid', async () => {
    expect(await reasonOf(verifier.verify(issuer.sign({}, { kid: 'no-such-key' })))).toBe('unknown-kid');
    const valid = issuer.sign();
    const { kid: _kid, ...withoutKid } = headerOf(valid);
    const noKid = [base64url(withoutKid), parts(valid)[1], parts(valid)[2]].join('.');
    expect(await reasonOf(verifier.verify(noKid))).toBe('unknown-kid');
  });

  it('rejects a token signed by a key outside the JWKS under a listed kid', async () => {
    const listedKid = headerOf(issuer.sign()).kid!;
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const token = jwt.sign({ iss: issuer.issuer, aud: issuer.audience, sub: 'user-1' }, privateKey, {
      algorithm: 'RS256',
      keyid: listedKid,
      expiresIn: 300,
      header: { alg: 'RS256', typ: 'at+jwt' },
    });
    expect(await reasonOf(verifier.verify(token))).toBe('signature');
  });

  it('rejects a wrong issuer and a wrong or missing audience', async () => {
    expect(await reasonOf(verifier.verify(issuer.sign({ iss: 'http://evil.example' })))).toBe('claims');
    expect(await reasonOf(verifier.verify(issuer.sign({ aud: 'another-api' })))).toBe('claims');
    expect(await reasonOf(verifier.verify(issuer.sign({ aud: undefined })))).toBe('claims');
  });

  it('rejects a token without exp, without sub, or with roles that are not strings', async () => {
    expect(await reasonOf(verifier.verify(issuer.sign({ exp: undefined })))).toBe('claims');
    expect(await reasonOf(verifier.verify(issuer.sign({ sub: undefined })))).toBe('claims');
    expect(await reasonOf(verifier.verify(issuer.sign({ roles: [1] })))).toBe('claims');
  });

  it('rejects a token without iat, with iat in the future, or living longer than 15 minutes', async () => {
    expect(await reasonOf(verifier.verify(issuer.sign({ iat: undefined })))).toBe('claims');
    expect(await reasonOf(verifier.verify(issuer.sign({ iat: now() + 300, exp: now() + 600 })))).toBe('not-yet-valid');
    // minted by whoever holds a signing key, for a day: refused, though its signature is fine
    expect(await reasonOf(verifier.verify(issuer.sign({ iat: now(), exp: now() + 86_400 })))).toBe('claims');
    // 15 minutes plus the skew is the bound; an iat within the skew ahead is accepted
    expect((await verifier.verify(issuer.sign({ iat: now() - 100, exp: now() + 860 }))).subject).toBe('user-1');
    expect((await verifier.verify(issuer.sign({ iat: now() + 30 }))).subject).toBe('user-1');
    const shorter = verifierFor({ maxTokenLifetimeSeconds: 300, clockToleranceSeconds: 0 });
    expect(await reasonOf(shorter.verify(issuer.sign({ iat: now(), exp: now() + 301 })))).toBe('claims');
  });

  it('accepts only tokens typed as access tokens (RFC 9068), and none with a critical header', async () => {
    expect(await reasonOf(verifier.verify(issuer.sign({}, { header: { typ: 'JWT' } })))).toBe('token-type');
    expect(await reasonOf(verifier.verify(issuer.sign({}, { header: { typ: undefined } })))).toBe('token-type');
    expect(await reasonOf(verifier.verify(issuer.sign({}, { header: { typ: 'id+jwt' } })))).toBe('token-type');
    expect((await verifier.verify(issuer.sign({}, { header: { typ: 'application/AT+JWT' } }))).subject).toBe('user-1');
    const critical = issuer.sign({}, { header: { crit: ['exp-override'], 'exp-override': true } });
    expect(await reasonOf(verifier.verify(critical))).toBe('critical-header');
  });

  it('rejects an expired token', async () => {
    const token = issuer.sign({ iat: now() - 600, exp: now() - 120 });
    expect(await reasonOf(verifier.verify(token))).toBe('expired');
  });

  it('accepts a token expired within the 60 s clock skew, and rejects it with no tolerance', async () => {
    const token = issuer.sign({ iat: now() - 600, exp: now() - 30 });
    expect((await verifier.verify(token)).expiresAt).toBeLessThan(now());
    expect(await reasonOf(verifierFor({ clockToleranceSeconds: 0 }).verify(token))).toBe('expired');
  });

  it('rejects a token whose nbf is in the future beyond the skew, and accepts one within it', async () => {
    expect(await reasonOf(verifier.verify(issuer.sign({ nbf: now() + 300 })))).toBe('not-yet-valid');
    expect((await verifier.verify(issuer.sign({ nbf: now() + 30 }))).subject).toBe('user-1');
  });

  it('rejects a tampered payload and a tampered signature', async () => {
    const [header, payload, signature] = parts(issuer.sign({ sub: 'user-1', roles: ['customer'] }));
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const escalated = [header, base64url({ ...claims, roles: ['admin'] }), signature].join('.');
    expect(await reasonOf(verifier.verify(escalated))).toBe('signature');
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    expect(await reasonOf(verifier.verify([header, payload, flipped].join('.')))).toBe('signature');
    expect(await reasonOf(verifier.verify([header, payload, ''].join('.')))).toBe('signature');
  });

  it.each([
    'not-a-jwt',
    'a.b',
    'a.b.c',
    '...',
    `${base64url({ alg: 'RS256' })}.not-json.sig`,
    `${base64url({ alg: 'RS256', typ: 'JWT' })}.${base64url('a string, not claims')}.sig`,
    `${'x'.repeat(9_000)}.y.z`,
  ])('rejects the malformed string %#', async (token) => {
    expect(await reasonOf(verifier.verify(token))).toBe('malformed');
  });

  it('rejects an empty token as missing', async () => {
    expect(await reasonOf(verifier.verify(''))).toBe('missing');
  });
});

describe('the JWKS endpoint', () => {
  it('answers jwks-unavailable when the JWKS server is down', async () => {
    const stopped = await startTestIssuer();
    const token = stopped.sign();
    await stopped.close();
    expect(await reasonOf(verifierFor({}, stopped).verify(token))).toBe('jwks-unavailable');
  });

  it('gives up on a JWKS server that does not answer within fetchTimeoutMs', async () => {
    const silent: Server = createServer(() => {}); // accepts and never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const slow = verifierFor({ jwksUrl: `http://127.0.0.1:${port}/jwks.json`, fetchTimeoutMs: 200 });
      const started = Date.now();
      expect(await reasonOf(slow.verify(issuer.sign()))).toBe('jwks-unavailable');
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('keeps verifying with the cached keys while the JWKS server is down', async () => {
    const stopping = await startTestIssuer();
    const stopped = verifierFor({}, stopping);
    const first = stopping.sign({ sub: 'user-1' });
    const second = stopping.sign({ sub: 'user-2' });
    await stopped.verify(first);
    await stopping.close();
    expect((await stopped.verify(second)).subject).toBe('user-2');
  });

  it('refetches for an unknown kid at most once per interval, counted on the server', async () => {
    const guarded = verifierFor({ jwksRefetchIntervalMs: 400 });
    const before = issuer.requests;
    const fetches = () => issuer.requests - before;
    await guarded.verify(issuer.sign());
    expect(fetches()).toBe(1);

    // within the interval of the first fetch: no refetch at all
    for (const kid of ['forged-1', 'forged-2', 'forged-3']) {
      expect(await reasonOf(guarded.verify(issuer.sign({}, { kid })))).toBe('unknown-kid');
    }
    expect(fetches()).toBe(1);

    await sleep(450);
    const burst = ['a', 'b', 'c', 'd', 'e', 'f'].map((kid) => reasonOf(guarded.verify(issuer.sign({}, { kid }))));
    expect(await Promise.all(burst)).toEqual(Array(6).fill('unknown-kid'));
    expect(await reasonOf(guarded.verify(issuer.sign({}, { kid: 'g' })))).toBe('unknown-kid');
    expect(fetches()).toBe(2);

    await sleep(450);
    expect(await reasonOf(guarded.verify(issuer.sign({}, { kid: 'h' })))).toBe('unknown-kid');
    expect(fetches()).toBe(3);
  });

  it('picks up a rotated key through the unknown-kid refetch and keeps the previous key valid', () =>
    withOwnIssuer(async (rotatingIssuer) => {
      const rotating = verifierFor({ jwksRefetchIntervalMs: 200 }, rotatingIssuer);
      const signedBefore = rotatingIssuer.sign({ sub: 'before-rotation' });
      await rotating.verify(rotatingIssuer.sign());
      rotatingIssuer.rotate();
      await sleep(250);

      expect((await rotating.verify(rotatingIssuer.sign({ sub: 'after-rotation' }))).subject).toBe('after-rotation');
      expect(rotatingIssuer.requests).toBe(2);
      // the JWKS lists the current and the previous key: a token from before the rotation stays valid
      expect((await rotating.verify(signedBefore)).subject).toBe('before-rotation');
      expect(rotatingIssuer.requests).toBe(2);
    }));

  it('stops trusting a key the JWKS dropped once the cached set is older than jwksMaxAgeMs', () =>
    withOwnIssuer(async (rotatingIssuer) => {
      // generous max age: the two RSA key generations of rotate() must fit in it
      const refreshing = verifierFor({ jwksMaxAgeMs: 1_500, jwksRefetchIntervalMs: 1_000 }, rotatingIssuer);
      const early = rotatingIssuer.sign({ sub: 'early' });
      const middle = rotatingIssuer.sign({ sub: 'middle' });
      const late = rotatingIssuer.sign({ sub: 'late' });
      await refreshing.verify(early);
      const loadedAt = Date.now();
      rotatingIssuer.rotate();
      rotatingIssuer.rotate(); // the first key is now neither current nor previous

      // the cached set is young: the dropped key is still trusted, nothing is fetched
      expect((await refreshing.verify(middle)).subject).toBe('middle');
      expect(rotatingIssuer.requests).toBe(1);
      await sleep(loadedAt + 1_550 - Date.now());
      expect(await reasonOf(refreshing.verify(late))).toBe('unknown-kid');
      expect(rotatingIssuer.requests).toBe(2);
    }));
});

describe('the verified-token cache', () => {
  it('answers a second verification of the same token without checking the signature again', async () => {
    const token = issuer.sign({ sub: 'user-3' });
    const first = await verifier.verify(token);
    const second = await verifier.verify(token);
    expect(second).toEqual(first);
    expect(verifier.stats()).toEqual({ cacheHits: 1, signatureChecks: 1 });
  });

  it('never answers from the cache past exp: an expired cached token is rejected', async () => {
    const strict = verifierFor({ clockToleranceSeconds: 0 });
    const exp = now() + 2; // 1 to 2 s ahead: time for the first two verifications
    const token = issuer.sign({ exp });
    await strict.verify(token);
    await strict.verify(token);
    expect(strict.stats()).toEqual({ cacheHits: 1, signatureChecks: 1 });

    await sleep(exp * 1000 - Date.now() + 50);
    expect(await reasonOf(strict.verify(token))).toBe('expired');
    expect(strict.stats()).toEqual({ cacheHits: 1, signatureChecks: 2 });
  });

  it('does not cache a token accepted only through the clock skew', async () => {
    const token = issuer.sign({ exp: now() - 10 });
    await verifier.verify(token);
    await verifier.verify(token);
    expect(verifier.stats()).toEqual({ cacheHits: 0, signatureChecks: 2 });
  });

  it('is bounded by cacheMaxEntries, least recently used first out', async () => {
    const small = verifierFor({ cacheMaxEntries: 1 });
    const [a, b] = [issuer.sign({ sub: 'a' }), issuer.sign({ sub: 'b' })];
    await small.verify(a);
    await small.verify(b);
    await small.verify(b);
    await small.verify(a);
    expect(small.stats()).toEqual({ cacheHits: 1, signatureChecks: 3 });
  });

  it('drops a cached token once the key that verified it is withdrawn from the JWKS', () =>
    withOwnIssuer(async (rotatingIssuer) => {
      const refreshing = verifierFor({ jwksMaxAgeMs: 1_500, jwksRefetchIntervalMs: 1_000 }, rotatingIssuer);
      const token = rotatingIssuer.sign({ sub: 'cached' });
      await refreshing.verify(token);
      await refreshing.verify(token);
      expect(refreshing.stats()).toEqual({ cacheHits: 1, signatureChecks: 1 });
      const loadedAt = Date.now();
      rotatingIssuer.rotate();
      rotatingIssuer.rotate(); // the token's key is now neither current nor previous: withdrawn

      await sleep(loadedAt + 1_550 - Date.now());
      // the verified-token cache alone would accept it until its exp, minutes from now
      expect(await reasonOf(refreshing.verify(token))).toBe('unknown-kid');
      expect(await reasonOf(refreshing.verify(token))).toBe('unknown-kid');
      expect(refreshing.stats().cacheHits).toBe(1);
    }));

  it('never caches a rejection', async () => {
    const token = issuer.sign({ aud: 'another-api' });
    expect(await reasonOf(verifier.verify(token))).toBe('claims');
    expect(await reasonOf(verifier.verify(token))).toBe('claims');
    expect(verifier.stats()).toEqual({ cacheHits: 0, signatureChecks: 2 });
  });
});

describe('construction', () => {
  const base = () => ({ jwksUrl: issuer.jwksUrl, issuer: issuer.issuer, audience: issuer.audience });

  it('refuses a clock tolerance above 60 s or below 0', () => {
    expect(() => createJwtVerifier({ ...base(), clockToleranceSeconds: 61 })).toThrow(RangeError);
    expect(() => createJwtVerifier({ ...base(), clockToleranceSeconds: -1 })).toThrow(RangeError);
    expect(() => createJwtVerifier({ ...base(), clockToleranceSeconds: 60 }).close()).not.toThrow();
  });

  it('refuses a jwksUrl that is not an http(s) URL, and an empty issuer or audience', () => {
    expect(() => createJwtVerifier({ ...base(), jwksUrl: 'not a url' })).toThrow(TypeError);
    expect(() => createJwtVerifier({ ...base(), jwksUrl: 'file:///etc/jwks.json' })).toThrow(TypeError);
    expect(() => createJwtVerifier({ ...base(), issuer: '' })).toThrow(TypeError);
    expect(() => createJwtVerifier({ ...base(), audience: '' })).toThrow(TypeError);
  });

  it('takes the default for an option given as undefined', async () => {
    const defaults = createJwtVerifier({ ...base(), clockToleranceSeconds: undefined, cacheMaxEntries: undefined });
    const token = issuer.sign({ exp: now() - 30 });
    expect((await defaults.verify(token)).subject).toBe('user-1');
    defaults.close();
  });
});
