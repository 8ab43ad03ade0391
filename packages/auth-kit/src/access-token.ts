// The platform's rules for an access token (docs/contract.md, "Tokens"; RFC 8725; RFC 9068's explicit type), applied
// the same way wherever a token is checked: by the JWKS verifier of the gateway and the services, and by the auth
// service against its own key ring. Only the source of the key differs between them.
import type { KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { TokenError, toTokenError } from './token-error.js';
import { toVerifiedToken, type VerifiedToken } from './verified-token.js';

export const ACCEPTED_ALGORITHMS = ['RS256', 'ES256'] as const;
export type AcceptedAlgorithm = (typeof ACCEPTED_ALGORITHMS)[number];
export const MAX_CLOCK_TOLERANCE_SECONDS = 60;
/** The contract: `exp` at most 15 minutes after `iat`. */
export const MAX_TOKEN_LIFETIME_SECONDS = 900;
/** RFC 9068 section 2.1: the `typ` of a JWT access token; what auth signs and every verifier requires. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
// Far above any real access token; bounds the work and the memory an arbitrary header string can cost.
const MAX_TOKEN_LENGTH = 8_192;
// RFC 9068 section 4: "at+jwt", or the full media type, compared case-insensitively
const ACCESS_TOKEN_TYPES = new Set([ACCESS_TOKEN_TYPE, `application/${ACCESS_TOKEN_TYPE}`]);

/** A key a token may be verified with. */
export interface VerificationKey {
  kid: string;
  /** The algorithm the key is published for, when stated; the token's `alg` must then be this one. */
  alg: string | undefined;
  key: KeyObject;
}

export interface AccessTokenRules {
  issuer: string;
  audience: string;
  clockToleranceSeconds: number;
  maxLifetimeSeconds: number;
}

/** The header fields the rules look at, read before any key is looked up. */
export interface AccessTokenHeader {
  alg: AcceptedAlgorithm;
  kid: string;
}

/**
 * Decodes the header and applies the rules that need no key: length, algorithm, `kid`, `typ` and `crit`.
 * Throws TokenError.
 */
export function readAccessTokenHeader(token: string): AccessTokenHeader {
  if (typeof token !== 'string' || token === '') throw new TokenError('missing');
  if (token.length > MAX_TOKEN_LENGTH) throw new TokenError('malformed');
  let decoded: jwt.Jwt | null;
  try {
    decoded = jwt.decode(token, { complete: true });
  } catch (error) {
    throw new TokenError('malformed', { cause: error });
  }
  if (decoded === null || typeof decoded.payload !== 'object' || decoded.payload === null) {
    throw new TokenError('malformed');
  }
  const header = decoded.header as jwt.JwtHeader & { crit?: unknown };
  if (!ACCEPTED_ALGORITHMS.includes(header.alg as AcceptedAlgorithm)) throw new TokenError('algorithm');
  // RFC 7515 4.1.11: a token naming extensions it must be understood with is refused; this verifier knows none
  if (header.crit !== undefined) throw new TokenError('critical-header');
  // RFC 8725 3.11: only a token typed as an access token is one, never another JWT signed by the same key
  if (typeof header.typ !== 'string' || !ACCESS_TOKEN_TYPES.has(header.typ.toLowerCase())) {
    throw new TokenError('token-type');
  }
  if (typeof header.kid !== 'string' || header.kid === '') throw new TokenError('unknown-kid');
  return { alg: header.alg as AcceptedAlgorithm, kid: header.kid };
}

/** Checks the signature with `key` and every claim rule; resolves the identity or throws TokenError. */
export function verifyAccessToken(
  token: string,
  header: AccessTokenHeader,
  key: VerificationKey,
  rules: AccessTokenRules,
): VerifiedToken {
  // A key published for one algorithm is never used with another
  if (key.alg !== undefined && key.alg !== header.alg) throw new TokenError('algorithm');
  let payload: string | jwt.JwtPayload;
  try {
    payload = jwt.verify(token, key.key, {
      algorithms: [header.alg],
      issuer: rules.issuer,
      audience: rules.audience,
      clockTolerance: rules.clockToleranceSeconds,
    });
  } catch (error) {
    throw toTokenError(error);
  }
  if (typeof payload !== 'object') throw new TokenError('malformed');
  const verified = toVerifiedToken(payload, token);
  const now = Date.now() / 1000;
  // a token from the future is not valid yet, whatever its nbf says
  if (verified.issuedAt > now + rules.clockToleranceSeconds) throw new TokenError('not-yet-valid');
  // a stolen key could otherwise mint tokens that outlive its withdrawal by far
  if (verified.expiresAt - verified.issuedAt > rules.maxLifetimeSeconds + rules.clockToleranceSeconds) {
    throw new TokenError('claims');
  }
  return verified;
}
