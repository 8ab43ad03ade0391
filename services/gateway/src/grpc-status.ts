// The one place a gRPC status from catalog or orders becomes an HTTP answer (RFC 9457 problem details).
import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { HttpProblem } from '@platform/service-kit';

const HTTP_STATUS_BY_GRPC_CODE: Partial<Record<status, number>> = {
  [status.INVALID_ARGUMENT]: 400,
  [status.UNAUTHENTICATED]: 401,
  [status.PERMISSION_DENIED]: 403,
  [status.NOT_FOUND]: 404,
  [status.ALREADY_EXISTS]: 409,
  [status.ABORTED]: 409,
  [status.FAILED_PRECONDITION]: 409,
  [status.RESOURCE_EXHAUSTED]: 429,
  [status.UNAVAILABLE]: 503,
  [status.DEADLINE_EXCEEDED]: 504,
};

// Texts of answers whose downstream details are not the client's business (they may describe our internals).
const FIXED_DETAIL: Partial<Record<number, string>> = {
  500: 'An unexpected error occurred',
  503: 'A service the request needs is unavailable; retry later',
  504: 'A service the request needs did not answer in time',
};

export function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number' && 'metadata' in error;
}

export function httpStatusOf(code: status): number {
  return HTTP_STATUS_BY_GRPC_CODE[code] ?? 500;
}

/** The problem for a failed gRPC call. 4xx keep the service's text (its contract says it is safe to show). */
export function problemFromGrpc(error: ServiceError): HttpProblem {
  const httpStatus = httpStatusOf(error.code);
  const detail = FIXED_DETAIL[httpStatus] ?? (error.details || 'The request was refused');
  const headers: Record<string, string> = {};
  if (httpStatus === 401) headers['www-authenticate'] = 'Bearer realm="platform", error="invalid_token"';
  if (httpStatus === 429 || httpStatus === 503) headers['retry-after'] = retryAfterOf(error.metadata);
  return new HttpProblem(httpStatus, detail, { headers });
}

function retryAfterOf(metadata: Metadata | undefined): string {
  const [value] = metadata instanceof Metadata ? metadata.get('retry-after') : [];
  return typeof value === 'string' && /^\d{1,6}$/.test(value) ? value : '1';
}
