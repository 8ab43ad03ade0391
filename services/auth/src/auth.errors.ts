// The refusals of the identity rules: each reason is a service-kit failure kind, so service-kit's one mapping gives
// it its status and challenge (409, 401 with `WWW-Authenticate: Bearer`, 429 or 503 with Retry-After).
import type { TokenError } from '@platform/auth-kit';
import { DomainError, type FailureKind } from '@platform/service-kit';

export type AuthErrorReason =
  | 'email-taken'
  | 'invalid-credentials'
  | 'login-locked'
  | 'busy'
  | 'invalid-refresh-token'
  | 'invalid-access-token';

const KINDS: Readonly<Record<AuthErrorReason, FailureKind>> = {
  'email-taken': 'conflict',
  // a failed login carries the bare challenge: no token was presented, credentials were
  'invalid-credentials': 'unauthenticated',
  'login-locked': 'rate-limited',
  busy: 'unavailable',
  'invalid-refresh-token': 'unauthenticated',
  'invalid-access-token': 'unauthenticated',
};

/** A refusal the client caused (or, for `busy`, a moment of overload); the service tells them apart by reason. */
export class AuthError extends DomainError {
  override readonly name = 'AuthError';

  constructor(
    readonly reason: AuthErrorReason,
    message: string,
    readonly details: { retryAfterSeconds?: number; tokenError?: TokenError } = {},
  ) {
    super(KINDS[reason], message, {
      cause: details.tokenError,
      retryAfterSeconds: details.retryAfterSeconds,
      bearerError:
        reason === 'invalid-refresh-token' || reason === 'invalid-access-token' ? 'invalid_token' : undefined,
    });
  }
}
