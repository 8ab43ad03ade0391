// Access tokens: signing with the key ring's current key, and the local check of tokens this service issued under
// exactly the rules of @platform/auth-kit (the same functions; docs/contract.md, "Tokens").
import { randomUUID } from 'node:crypto';
import {
  ACCESS_TOKEN_TYPE,
  type AccessTokenRules,
  MAX_CLOCK_TOLERANCE_SECONDS,
  MAX_TOKEN_LIFETIME_SECONDS,
  readAccessTokenHeader,
  TokenError,
  verifyAccessToken,
} from '@platform/auth-kit';
import jwt from 'jsonwebtoken';
import type { KeyRing } from './signing-keys.js';

export interface TokenSettings {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export interface AccessTokenClaims {
  sub: string;
  roles: readonly string[];
}

export interface AccessTokenIdentity {
  subject: string;
  roles: readonly string[];
}

export interface Tokens {
  /** A user's access token (`typ: at+jwt`, RFC 9068) signed with the current key. */
  sign(claims: AccessTokenClaims): string;
  /** Resolves the identity of a token signed by a published key of the ring; throws auth-kit's TokenError. */
  verify(token: string): AccessTokenIdentity;
}

/**
 * Signs any access token of the platform with the ring's current key: `typ: at+jwt`, `kid`, `iss`, `iat`, `exp`
 * (`ttlSeconds` after now, at most 15 minutes: every verifier refuses longer), `jti`, plus `claims` (aud, sub...).
 */
export function signAccessToken(keys: KeyRing, claims: Record<string, unknown>, ttlSeconds: number, issuer: string) {
  if (ttlSeconds > MAX_TOKEN_LIFETIME_SECONDS) throw new RangeError('an access token lives 15 minutes at most');
  const { current } = keys;
  return jwt.sign(claims, current.privateKey, {
    algorithm: current.algorithm,
    keyid: current.kid,
    header: { alg: current.algorithm, typ: ACCESS_TOKEN_TYPE },
    issuer,
    expiresIn: ttlSeconds,
    jwtid: randomUUID(),
  });
}

export function createTokens(keys: KeyRing, settings: TokenSettings): Tokens {
  const rules: AccessTokenRules = {
    issuer: settings.issuer,
    audience: settings.audience,
    clockToleranceSeconds: MAX_CLOCK_TOLERANCE_SECONDS,
    maxLifetimeSeconds: MAX_TOKEN_LIFETIME_SECONDS,
  };
  return {
    sign: ({ sub, roles }) =>
      signAccessToken(keys, { aud: settings.audience, sub, roles: [...roles] }, settings.ttlSeconds, settings.issuer),

    // auth-kit verifies against a JWKS fetched over HTTP; here the ring itself is the key set, which needs no
    // request to ourselves and knows exactly which keys are published right now.
    verify(token) {
      const header = readAccessTokenHeader(token);
      const key = keys.find(header.kid);
      if (!key) throw new TokenError('unknown-kid');
      const verified = verifyAccessToken(
        token,
        header,
        { kid: key.kid, alg: key.algorithm, key: key.publicKey },
        rules,
      );
      return { subject: verified.subject, roles: verified.roles };
    },
  };
}
