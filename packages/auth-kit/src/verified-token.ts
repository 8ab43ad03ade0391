// What a verified access token tells a service, and how it is read from the verified claims.
import { TokenError } from './token-error.js';

export interface VerifiedToken {
  /** `sub`: the user id. */
  readonly subject: string;
  /** `roles`; empty when the token has none. */
  readonly roles: readonly string[];
  /** `jti`, when present. */
  readonly tokenId: string | undefined;
  /** `iat` in seconds since the epoch (required). */
  readonly issuedAt: number;
  /** `exp` in seconds since the epoch. */
  readonly expiresAt: number;
  /** `iss`. */
  readonly issuer: string;
  /** The compact JWT itself, to pass on to the next service. */
  readonly token: string;
}

/** Reads the claims of a token whose signature, iss, aud, exp and nbf jsonwebtoken has already checked. */
export function toVerifiedToken(payload: Record<string, unknown>, token: string): VerifiedToken {
  const { sub, exp, iss, iat, jti, roles } = payload;
  // jsonwebtoken accepts a token without exp; we never do
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw new TokenError('claims');
  if (typeof sub !== 'string' || sub === '') throw new TokenError('claims');
  if (typeof iss !== 'string') throw new TokenError('claims');
  // without iat nothing bounds how long the token was meant to live
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw new TokenError('claims');
  if (jti !== undefined && typeof jti !== 'string') throw new TokenError('claims');
  if (roles !== undefined && !(Array.isArray(roles) && roles.every((role) => typeof role === 'string'))) {
    throw new TokenError('claims');
  }
  return Object.freeze({
    subject: sub,
    roles: Object.freeze([...((roles as string[] | undefined) ?? [])]),
    tokenId: jti,
    issuedAt: iat,
    expiresAt: exp,
    issuer: iss,
    token,
  });
}
