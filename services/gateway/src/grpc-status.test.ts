import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { httpStatusOf, isServiceError, problemFromGrpc } from './grpc-status.js';

const serviceError = (code: status, details: string, metadata = new Metadata()): ServiceError =>
  Object.assign(new Error(`${code} ${details}`), { code, details, metadata });

describe('problemFromGrpc', () => {
  it.each([
    [status.OK, 500],
    [status.CANCELLED, 500],
    [status.UNKNOWN, 500],
    [status.INVALID_ARGUMENT, 400],
    [status.DEADLINE_EXCEEDED, 504],
    [status.NOT_FOUND, 404],
    [status.ALREADY_EXISTS, 409],
    [status.PERMISSION_DENIED, 403],
    [status.RESOURCE_EXHAUSTED, 429],
    [status.FAILED_PRECONDITION, 409],
    [status.ABORTED, 409],
    [status.OUT_OF_RANGE, 500],
    [status.UNIMPLEMENTED, 500],
    [status.INTERNAL, 500],
    [status.UNAVAILABLE, 503],
    [status.DATA_LOSS, 500],
    [status.UNAUTHENTICATED, 401],
  ])('maps gRPC code %i to HTTP %i', (code, httpStatus) => {
    expect(httpStatusOf(code)).toBe(httpStatus);
    expect(problemFromGrpc(serviceError(code, 'x')).status).toBe(httpStatus);
  });

  it("keeps the service's text for client errors and hides it for server errors", () => {
    expect(problemFromGrpc(serviceError(status.NOT_FOUND, 'no such order')).message).toBe('no such order');
    expect(problemFromGrpc(serviceError(status.INTERNAL, 'pg: relation missing')).message).not.toContain('pg');
  });

  it('adds the headers the HTTP status calls for', () => {
    expect(problemFromGrpc(serviceError(status.UNAUTHENTICATED, 'x')).headers['www-authenticate']).toContain('Bearer');
    expect(problemFromGrpc(serviceError(status.UNAVAILABLE, 'x')).headers['retry-after']).toBe('1');
    const trailers = new Metadata();
    trailers.set('retry-after', '12');
    expect(problemFromGrpc(serviceError(status.RESOURCE_EXHAUSTED, 'x', trailers)).headers['retry-after']).toBe('12');
    trailers.set('retry-after', 'soon');
    expect(problemFromGrpc(serviceError(status.RESOURCE_EXHAUSTED, 'x', trailers)).headers['retry-after']).toBe('1');
  });

  it('recognises grpc-js errors only', () => {
    expect(isServiceError(serviceError(status.NOT_FOUND, 'x'))).toBe(true);
    expect(isServiceError(new Error('plain'))).toBe(false);
  });
});
