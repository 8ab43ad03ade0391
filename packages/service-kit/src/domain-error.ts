// Domain errors say what kind of failure they are, never which status: failure-statuses.ts turns a kind into an
// HTTP problem and a gRPC status, in that one place, for every service and either transport.

/** The kinds of failure a rule can report; each has one HTTP status and one gRPC status (failure-statuses.ts). */
export const FAILURE_KINDS = [
  /** The request breaks a rule of its shape or values (400, INVALID_ARGUMENT). */
  'invalid-input',
  /** No credentials, or credentials that do not prove who the caller is (401, UNAUTHENTICATED). */
  'unauthenticated',
  /** A known caller that may not do this (403, PERMISSION_DENIED). */
  'forbidden',
  /** Nothing by that name, or nothing the caller may see (404, NOT_FOUND). */
  'not-found',
  /** It exists already, made differently: an id or key reused for another request (409, ALREADY_EXISTS). */
  'conflict',
  /** A concurrent operation on the same thing is under way; retrying later may succeed (409, ABORTED). */
  'aborted',
  /** The state does not allow it: not enough stock, already cancelled, expired (409, FAILED_PRECONDITION). */
  'precondition',
  /** Too many attempts; retry after a while (429, RESOURCE_EXHAUSTED). */
  'rate-limited',
  /** Something it needs is away or overloaded; retry after a while (503, UNAVAILABLE). */
  'unavailable',
  /** Something it needs did not answer in time (504, DEADLINE_EXCEEDED). */
  'deadline',
] as const;

export type FailureKind = (typeof FAILURE_KINDS)[number];

/** The RFC 6750 error code a 401 or 403 challenge carries (`WWW-Authenticate: Bearer ..., error="..."`). */
export type BearerErrorCode = 'invalid_token' | 'insufficient_scope';

/**
 * What the mapping reads of an error. A DomainError has it; an error of a library that cannot depend on the kit
 * (auth-kit's TokenError) declares the same fields and is mapped the same way.
 */
export interface Failure {
  readonly kind: FailureKind;
  readonly message: string;
  /** For `unavailable` and `rate-limited`: when to retry (Retry-After); 1 s unless said. */
  readonly retryAfterSeconds?: number | undefined;
  /** For `unauthenticated` and `forbidden` over HTTP: the challenge's error code; none when no token was given. */
  readonly bearerError?: BearerErrorCode | undefined;
}

export interface DomainErrorOptions {
  cause?: unknown;
  retryAfterSeconds?: number;
  bearerError?: BearerErrorCode;
}

/**
 * The base of every service's domain errors: a kind and a message safe to show to the caller. Services subclass it
 * per refusal (`class OrderNotFoundError extends DomainError`) so their rules can tell refusals apart.
 */
export class DomainError extends Error implements Failure {
  override name = 'DomainError';
  readonly kind: FailureKind;
  readonly retryAfterSeconds: number | undefined;
  readonly bearerError: BearerErrorCode | undefined;

  constructor(kind: FailureKind, message: string, options: DomainErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.bearerError = options.bearerError;
  }
}

const KINDS: ReadonlySet<string> = new Set(FAILURE_KINDS);

/** The failure an error reports: a DomainError, or any error declaring one of the kinds; undefined otherwise. */
export function failureOf(error: unknown): Failure | undefined {
  if (!(error instanceof Error)) return undefined;
  const kind = (error as { kind?: unknown }).kind;
  return typeof kind === 'string' && KINDS.has(kind) ? (error as Error & Failure) : undefined;
}
