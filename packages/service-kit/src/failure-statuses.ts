// The one place a failure becomes a status: a kind to an HTTP problem (RFC 9457) and to a gRPC status, and a gRPC
// status from a service called back to a failure (the gateway's way from gRPC to HTTP). Every transport of every
// service goes through here; a route or a handler never picks a status code for a domain error itself.
import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { DomainError, type Failure, type FailureKind, failureOf } from './domain-error.js';
import { GrpcStatusError } from './grpc-status-error.js';
import { HttpProblem } from './problem.js';
import { isStorageUnavailable, storageUnavailable } from './storage-unavailable.js';

const STATUSES: Readonly<Record<FailureKind, { http: number; grpc: status }>> = {
  'invalid-input': { http: 400, grpc: status.INVALID_ARGUMENT },
  unauthenticated: { http: 401, grpc: status.UNAUTHENTICATED },
  forbidden: { http: 403, grpc: status.PERMISSION_DENIED },
  'not-found': { http: 404, grpc: status.NOT_FOUND },
  conflict: { http: 409, grpc: status.ALREADY_EXISTS },
  aborted: { http: 409, grpc: status.ABORTED },
  precondition: { http: 409, grpc: status.FAILED_PRECONDITION },
  'rate-limited': { http: 429, grpc: status.RESOURCE_EXHAUSTED },
  unavailable: { http: 503, grpc: status.UNAVAILABLE },
  deadline: { http: 504, grpc: status.DEADLINE_EXCEEDED },
};

const KIND_BY_GRPC_CODE = new Map<status, FailureKind>(
  Object.entries(STATUSES).map(([kind, { grpc }]) => [grpc, kind as FailureKind]),
);

/** Kinds whose caller is told when to come back. */
const RETRY_AFTER_KINDS: ReadonlySet<FailureKind> = new Set(['unavailable', 'rate-limited']);
const DEFAULT_RETRY_AFTER_SECONDS = 1;
/** The challenge's realm: the platform's one protection space, whichever service answers. */
const REALM = 'realm="platform"';

/** The failure an error stands for: its own kind, or a storage outage; undefined for the unexpected (a bug). */
export function classifyFailure(error: unknown): Failure | undefined {
  return failureOf(error) ?? (isStorageUnavailable(error) ? storageUnavailable(error) : undefined);
}

export function httpStatusOf(kind: FailureKind): number {
  return STATUSES[kind].http;
}

export function grpcCodeOf(kind: FailureKind): status {
  return STATUSES[kind].grpc;
}

/** A failure as an RFC 9457 problem: its kind's status, its message, Retry-After and the Bearer challenge. */
export function problemOf(failure: Failure): HttpProblem {
  const headers: Record<string, string> = {};
  if (RETRY_AFTER_KINDS.has(failure.kind)) headers['retry-after'] = String(retryAfterOf(failure));
  if (failure.kind === 'unauthenticated' || (failure.kind === 'forbidden' && failure.bearerError)) {
    headers['www-authenticate'] = bearerChallenge(failure);
  }
  return new HttpProblem(httpStatusOf(failure.kind), failure.message, { headers });
}

/**
 * An error as the status a gRPC handler answers with: a failure's kind and message (Retry-After in the trailers),
 * a GrpcStatusError as it is, anything else INTERNAL without its text.
 */
export function grpcStatusOf(error: unknown): GrpcStatusError {
  if (error instanceof GrpcStatusError) return error;
  const failure = classifyFailure(error);
  if (!failure) return new GrpcStatusError(status.INTERNAL, 'An unexpected error occurred');
  const metadata = new Metadata();
  if (RETRY_AFTER_KINDS.has(failure.kind)) metadata.set('retry-after', String(retryAfterOf(failure)));
  return new GrpcStatusError(grpcCodeOf(failure.kind), failure.message, metadata);
}

// What a caller is told of a service's 5xx-kind failure: its own text may describe our internals.
const FIXED_MESSAGES: Partial<Record<FailureKind, string>> = {
  unavailable: 'A service the request needs is unavailable; retry later',
  deadline: 'A service the request needs did not answer in time',
};

/**
 * The failure a called service's gRPC status stands for, with the service's own text for the 4xx kinds (its
 * contract says it is safe to show) and a fixed one for the others; undefined for a status no kind has (INTERNAL,
 * UNKNOWN, ...: a fault, answered 500).
 */
export function failureFromGrpc(error: ServiceError): DomainError | undefined {
  const kind = KIND_BY_GRPC_CODE.get(error.code);
  if (kind === undefined) return undefined;
  const message = FIXED_MESSAGES[kind] ?? (error.details || 'The request was refused');
  const retryAfter = RETRY_AFTER_KINDS.has(kind) ? retryAfterFromMetadata(error.metadata) : undefined;
  return new DomainError(kind, message, {
    cause: error,
    retryAfterSeconds: retryAfter,
    bearerError: kind === 'unauthenticated' ? 'invalid_token' : undefined,
  });
}

/** True for the error grpc-js hands a client's callback (a status with code, details and metadata). */
export function isGrpcServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number' && 'metadata' in error;
}

function retryAfterOf(failure: Failure): number {
  const seconds = failure.retryAfterSeconds;
  return seconds !== undefined && Number.isInteger(seconds) && seconds >= 0 ? seconds : DEFAULT_RETRY_AFTER_SECONDS;
}

function retryAfterFromMetadata(metadata: Metadata | undefined): number | undefined {
  const [value] = metadata instanceof Metadata ? metadata.get('retry-after') : [];
  return typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : undefined;
}

/** RFC 6750 section 3: no error code when the request carried no credentials at all. */
function bearerChallenge(failure: Failure): string {
  if (!failure.bearerError) return `Bearer ${REALM}`;
  const challenge = `Bearer ${REALM}, error="${failure.bearerError}"`;
  if (failure.bearerError !== 'invalid_token') return challenge;
  return `${challenge}, error_description="${failure.message.replace(/["\\]/g, '')}"`;
}
