// The one answer every service gives to "is this error the database being away?": an outage, a restart or an
// overload, which the caller should retry later (an `unavailable` failure: HTTP 503 with Retry-After, gRPC
// UNAVAILABLE), as opposed to a statement that is wrong, which is our bug (500).
import { DomainError } from './domain-error.js';

/** What a client is told to wait before retrying: an embedded or managed server restarts within about a second. */
export const STORAGE_RETRY_AFTER_SECONDS = 1;

// SQLSTATE (https://www.postgresql.org/docs/current/errcodes-appendix.html): class 08 connection exception, class
// 53 insufficient resources (too many connections, out of memory, disk full), 57P01-57P03 the server is shutting
// down, crashed or not accepting connections yet, and 57014 a statement cancelled by statement_timeout (a server
// too slow to answer, e.g. behind a lock or under load).
const UNAVAILABLE_SQLSTATE = /^(08...|53...|57P0[1-3]|57014)$/;
// Node's socket errors on the way to the server
const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// pg's own errors for a connection lost or never made: they carry no code
const CONNECTION_ERROR_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|timeout expired|Query read timeout|Client has encountered a connection error)/;

/** True for errors that mean the database cannot be reached or cannot serve right now (also when wrapped). */
export function isStorageUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending = [error];
  while (pending.length > 0) {
    const current = pending.pop();
    if (!(current instanceof Error) || seen.has(current)) continue;
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || CONNECTION_ERROR_CODES.has(code))) return true;
    if (CONNECTION_ERROR_MESSAGES.test(current.message)) return true;
    // a domain error wrapping the driver's, or a connection attempt to several addresses (AggregateError)
    pending.push(current.cause);
    if (current instanceof AggregateError) pending.push(...current.errors);
  }
  return false;
}

/** The failure a storage outage is answered with, whatever service and transport it reached. */
export function storageUnavailable(cause?: unknown): DomainError {
  return new DomainError('unavailable', 'The service cannot reach its storage right now; retry later', {
    cause,
    retryAfterSeconds: STORAGE_RETRY_AFTER_SECONDS,
  });
}
