import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { DomainError, FAILURE_KINDS, type FailureKind } from './domain-error.js';
import { classifyFailure, failureFromGrpc, grpcStatusOf, isGrpcServiceError, problemOf } from './failure-statuses.js';
import { GrpcStatusError } from './grpc-status-error.js';

const serviceError = (code: status, details: string, metadata = new Metadata()): ServiceError =>
  Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata });

describe('one status per kind', () => {
  it.each<[FailureKind, number, status]>([
    ['invalid-input', 400, status.INVALID_ARGUMENT],
    ['unauthenticated', 401, status.UNAUTHENTICATED],
    ['forbidden', 403, status.PERMISSION_DENIED],
    ['not-found', 404, status.NOT_FOUND],
    ['conflict', 409, status.ALREADY_EXISTS],
    ['aborted', 409, status.ABORTED],
    ['precondition', 409, status.FAILED_PRECONDITION],
    ['rate-limited', 429, status.RESOURCE_EXHAUSTED],
    ['unavailable', 503, status.UNAVAILABLE],
    ['deadline', 504, status.DEADLINE_EXCEEDED],
  ])('%s is HTTP %i and gRPC %i, with the message for both', (kind, httpStatus, grpcCode) => {
    const error = new DomainError(kind, `a ${kind} failure`);
    const problem = problemOf(error);
    expect(problem.status).toBe(httpStatus);
    expect(problem.message).toBe(`a ${kind} failure`);
    const grpc = grpcStatusOf(error);
    expect(grpc.code).toBe(grpcCode);
    expect(grpc.details).toBe(`a ${kind} failure`);
  });

  it('covers every kind, each with a gRPC code of its own, so a status from a service maps back to its kind', () => {
    const codes = FAILURE_KINDS.map((kind) => grpcStatusOf(new DomainError(kind, 'x')).code);
    expect(new Set(codes).size).toBe(FAILURE_KINDS.length);
    for (const kind of FAILURE_KINDS) {
      const sent = grpcStatusOf(new DomainError(kind, 'x'));
      expect(failureFromGrpc(serviceError(sent.code, sent.details, sent.metadata))?.kind).toBe(kind);
    }
  });
});

describe('problemOf', () => {
  it('tells when to retry an unavailable or rate-limited failure, 1 s unless the error says', () => {
    expect(problemOf(new DomainError('unavailable', 'away')).headers).toEqual({ 'retry-after': '1' });
    expect(problemOf(new DomainError('rate-limited', 'slow down', { retryAfterSeconds: 42 })).headers).toEqual({
      'retry-after': '42',
    });
    expect(problemOf(new DomainError('not-found', 'gone')).headers).toEqual({});
  });

  it('challenges a 401 per RFC 6750: bare without a token, invalid_token with a description for a bad one', () => {
    expect(problemOf(new DomainError('unauthenticated', 'A bearer token is required')).headers).toEqual({
      'www-authenticate': 'Bearer realm="platform"',
    });
    const bad = new DomainError('unauthenticated', 'The token has "expired"', { bearerError: 'invalid_token' });
    expect(problemOf(bad).headers['www-authenticate']).toBe(
      'Bearer realm="platform", error="invalid_token", error_description="The token has expired"',
    );
    const scope = new DomainError('forbidden', 'needs admin', { bearerError: 'insufficient_scope' });
    expect(problemOf(scope).headers['www-authenticate']).toBe('Bearer realm="platform", error="insufficient_scope"');
    expect(problemOf(new DomainError('forbidden', 'not yours')).headers).toEqual({});
  });

  it('maps an error of another library that declares a kind (auth-kit cannot depend on the kit)', () => {
    class TokenLike extends Error {
      readonly kind = 'unauthenticated' as const;
      readonly bearerError = 'invalid_token' as const;
    }
    expect(problemOf(classifyFailure(new TokenLike('bad token'))!).status).toBe(401);
    expect(classifyFailure(Object.assign(new Error('x'), { kind: 'no-such-kind' }))).toBeUndefined();
  });
});

describe('classifyFailure', () => {
  it('takes a database outage, also wrapped, as unavailable with Retry-After, and anything else as unexpected', () => {
    const outage = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const failure = classifyFailure(new Error('query failed', { cause: outage }));
    expect(failure?.kind).toBe('unavailable');
    expect(problemOf(failure!).headers['retry-after']).toBe('1');
    expect(classifyFailure(new TypeError('undefined is not a function'))).toBeUndefined();
  });
});

describe('grpcStatusOf', () => {
  it('answers the unexpected with INTERNAL and no internal text, and passes a GrpcStatusError through', () => {
    const internal = grpcStatusOf(new Error('relation "catalog.products" does not exist'));
    expect(internal.code).toBe(status.INTERNAL);
    expect(internal.details).not.toContain('relation');
    const given = new GrpcStatusError(status.OUT_OF_RANGE, 'too far');
    expect(grpcStatusOf(given)).toBe(given);
  });

  it('sends Retry-After as a trailer of UNAVAILABLE', () => {
    const sent = grpcStatusOf(new DomainError('unavailable', 'away', { retryAfterSeconds: 3 }));
    expect(sent.metadata?.get('retry-after')).toEqual(['3']);
  });
});

describe('failureFromGrpc', () => {
  it("keeps a service's text for the 4xx kinds and replaces it for the 5xx ones", () => {
    expect(failureFromGrpc(serviceError(status.NOT_FOUND, 'Order not found'))?.message).toBe('Order not found');
    const away = failureFromGrpc(serviceError(status.UNAVAILABLE, 'connect ECONNREFUSED 10.0.0.7:50051'));
    expect(away?.message).not.toContain('10.0.0.7');
    expect(problemOf(away!).status).toBe(503);
    expect(failureFromGrpc(serviceError(status.DEADLINE_EXCEEDED, 'Deadline exceeded'))?.kind).toBe('deadline');
  });

  it("takes the service's Retry-After trailer when it is a number of seconds, else says 1", () => {
    const trailers = new Metadata();
    trailers.set('retry-after', '7');
    expect(problemOf(failureFromGrpc(serviceError(status.UNAVAILABLE, 'x', trailers))!).headers['retry-after']).toBe(
      '7',
    );
    const junk = new Metadata();
    junk.set('retry-after', 'tomorrow');
    expect(problemOf(failureFromGrpc(serviceError(status.UNAVAILABLE, 'x', junk))!).headers['retry-after']).toBe('1');
  });

  it('challenges an UNAUTHENTICATED as an invalid token, and has no kind for a fault (INTERNAL, UNKNOWN)', () => {
    const refused = failureFromGrpc(serviceError(status.UNAUTHENTICATED, 'The token has expired'));
    expect(problemOf(refused!).headers['www-authenticate']).toMatch(/^Bearer realm="platform", error="invalid_token"/);
    expect(failureFromGrpc(serviceError(status.INTERNAL, 'boom'))).toBeUndefined();
    expect(failureFromGrpc(serviceError(status.UNKNOWN, 'boom'))).toBeUndefined();
  });

  it('recognises the error a grpc-js client callback gets', () => {
    expect(isGrpcServiceError(serviceError(status.NOT_FOUND, 'x'))).toBe(true);
    expect(isGrpcServiceError(new Error('x'))).toBe(false);
  });
});
