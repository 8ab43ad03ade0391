// Access tokens: signing with the key ring's current key, and the local check of tokens this service issued,
// under the same rules as @platform/auth-kit (CONTRACT.md, "Tokens").
import { randomUUID } from 'node:crypto';
import { MAX_CLOCK_TOLERANCE_SECONDS, TokenError } from '@platform/auth-kit';
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
  roles: string[];
}

export interface Tokens {
  sign(claims: AccessTokenClaims): string;
  /** Resolves the identity of a token signed by a key of the ring; throws auth-kit's TokenError. */
  verify(token: string): AccessTokenIdentity;
}

const MAX_TOKEN_LENGTH = 8_192;

export function createTokens(keys: KeyRing, settings: TokenSettings): Tokens {
  return {
    sign({ sub, roles }) {
      const { current } = keys;
      return jwt.sign({ roles: [...roles] }, current.privateKey, {
        algorithm: current.algorithm,
        keyid: current.kid,
        issuer: settings.issuer,
        audience: settings.audience,
        subject: sub,
        expiresIn: settings.ttlSeconds,
        jwtid: randomUUID(),
      });
    },

    // auth-kit verifies against a JWKS fetched over HTTP; here the ring itself is the key set, which needs no
    // request to ourselves and knows a rotated key the moment the process starts with it.
    verify(token) {
      if (token.length > MAX_TOKEN_LENGTH) throw new TokenError('malformed');
      const decoded = decode(token);
      const { alg, kid } = decoded.header;
      if (alg !== 'ES256' && alg !== 'RS256') throw new TokenError('algorithm');
      const key = typeof kid === 'string' ? keys.find(kid) : undefined;
      if (!key) throw new TokenError('unknown-kid');
      if (key.algorithm !== alg) throw new TokenError('algorithm');
      let payload: string | jwt.JwtPayload;
      try {
        payload = jwt.verify(token, key.publicKey, {
          algorithms: [alg],
          issuer: settings.issuer,
          audience: settings.audience,
          clockTolerance: MAX_CLOCK_TOLERANCE_SECONDS,
        });
      } catch (error) {
        throw verifyError(error);
      }
      if (typeof payload !== 'object') throw new TokenError('malformed');
      const { sub, exp, roles } = payload;
      // jsonwebtoken accepts a token without exp; the platform never does
      if (typeof exp !== 'number') throw new TokenError('claims');
      if (typeof sub !== 'string' || sub === '') throw new TokenError('claims');
      if (roles !== undefined && !(Array.isArray(roles) && roles.every((role) => typeof role === 'string'))) {
        throw new TokenError('claims');
      }
      return { subject: sub, roles: roles ?? [] };
    },
  };
}

function decode(token: string): jwt.Jwt {
  let decoded: jwt.Jwt | null;
  try {
    decoded = jwt.decode(token, { complete: true });
  } catch (error) {
    throw new TokenError('malformed', { cause: error });
  }
  if (decoded === null || typeof decoded.payload !== 'object') throw new TokenError('malformed');
  return decoded;
}

function verifyError(error: unknown): TokenError {
  if (error instanceof jwt.TokenExpiredError) return new TokenError('expired', { cause: error });
  if (error instanceof jwt.NotBeforeError) return new TokenError('not-yet-valid', { cause: error });
  const message = error instanceof Error ? error.message : '';
  if (message.startsWith('jwt audience invalid') || message.startsWith('jwt issuer invalid')) {
    return new TokenError('claims', { cause: error });
  }
  if (message === 'jwt malformed' || message.startsWith('jwt must be')) return new TokenError('malformed');
  return new TokenError('signature', { cause: error });
}
