// Extracts the token from an HTTP Authorization header (RFC 6750 section 2.1).
import { TokenError } from './token-error.js';

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** Returns the token of a `Bearer <token>` header; throws TokenError('missing') for an absent or non-Bearer value. */
export function bearerToken(authorizationHeader: string | undefined): string {
  const match = authorizationHeader === undefined ? null : BEARER.exec(authorizationHeader);
  if (!match?.[1]) throw new TokenError('missing');
  return match[1];
}
