// The one error a verifier throws, and the one place where jsonwebtoken and jwks-rsa errors become it.
// Messages are fixed per reason so they can be shown to a client; the library error stays in `cause` for logs.
// It says its kind of failure as service-kit's DomainError does (`kind`, `bearerError`), so service-kit's one
// mapping answers it on any transport (401 / UNAUTHENTICATED; 503 / UNAVAILABLE when the keys cannot be loaded),
// without auth-kit depending on the kit.

export type TokenErrorReason =
  | 'missing'
  | 'malformed'
  | 'algorithm'
  | 'token-type'
  | 'critical-header'
  | 'unknown-kid'
  | 'signature'
  | 'expired'
  | 'not-yet-valid'
  | 'claims'
  | 'jwks-unavailable';

const MESSAGES: Record<TokenErrorReason, string> = {
  missing: 'A bearer token is required',
  malformed: 'The token is malformed',
  algorithm: 'The token is signed with an algorithm that is not accepted',
  'token-type': 'The token is not an access token',
  'critical-header': 'The token requires header extensions that are not supported',
  'unknown-kid': 'The token is signed with an unknown key',
  signature: 'The token signature is invalid',
  expired: 'The token has expired',
  'not-yet-valid': 'The token is not valid yet',
  claims: 'The token claims are not accepted',
  'jwks-unavailable': 'The signing keys could not be loaded to verify the token',
};

export class TokenError extends Error {
  override readonly name = 'TokenError';
  /**
   * `unauthenticated`, except `unavailable` for `jwks-unavailable`: the keys could not be loaded, which is the
   * platform's fault, not the caller's (its token may be fine: retry, do not log in again).
   */
  readonly kind: 'unauthenticated' | 'unavailable';
  /** RFC 6750: a token that was given but refused is `invalid_token`; a missing one carries no error code. */
  readonly bearerError: 'invalid_token' | undefined;

  constructor(
    readonly reason: TokenErrorReason,
    options?: { cause?: unknown },
  ) {
    super(MESSAGES[reason], options);
    this.kind = reason === 'jwks-unavailable' ? 'unavailable' : 'unauthenticated';
    this.bearerError = reason === 'missing' || reason === 'jwks-unavailable' ? undefined : 'invalid_token';
  }
}

/** Maps an error thrown by jsonwebtoken's verify or by jwks-rsa to a TokenError; a TokenError passes through. */
export function toTokenError(error: unknown): TokenError {
  if (error instanceof TokenError) return error;
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  return new TokenError(reasonOf(name, message), { cause: error });
}

function reasonOf(name: string, message: string): TokenErrorReason {
  switch (name) {
    case 'TokenExpiredError':
      return 'expired';
    case 'NotBeforeError':
      return 'not-yet-valid';
    case 'JwksError':
    case 'JwksRateLimitError':
      return 'jwks-unavailable';
    case 'SigningKeyNotFoundError':
      return 'unknown-kid';
  }
  if (message === 'jwt malformed' || message === 'invalid token' || message.startsWith('jwt must be')) {
    return 'malformed';
  }
  if (
    message === 'invalid algorithm' ||
    message.startsWith('secretOrPublicKey must be') ||
    message.startsWith('"alg" parameter') ||
    message.startsWith('Unknown key type') ||
    message.startsWith('Invalid key for this operation')
  ) {
    return 'algorithm';
  }
  if (
    message.startsWith('jwt audience invalid') ||
    message.startsWith('jwt issuer invalid') ||
    message.startsWith('jwt subject invalid') ||
    message.startsWith('jwt jwtid invalid') ||
    message === 'invalid nbf value' ||
    message === 'invalid exp value'
  ) {
    return 'claims';
  }
  // 'invalid signature', 'jwt signature is required' and anything unforeseen: the token is not proven authentic
  return 'signature';
}
