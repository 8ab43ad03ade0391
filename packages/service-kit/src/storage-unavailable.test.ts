import { describe, expect, it } from 'vitest';
import { isStorageUnavailable, storageUnavailable } from './storage-unavailable.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isStorageUnavailable', () => {
  it.each([
    ['connection refused', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['connection reset', withCode('read ECONNRESET', 'ECONNRESET')],
    ['host not found (a container gone from DNS)', withCode('getaddrinfo ENOTFOUND postgres', 'ENOTFOUND')],
    ['server shutting down (57P01)', withCode('terminating connection due to administrator command', '57P01')],
    ['server starting up (57P03)', withCode('the database system is starting up', '57P03')],
    ['too many connections (53300)', withCode('sorry, too many clients already', '53300')],
    ['connection failure (08006)', withCode('connection failure', '08006')],
    ['statement timeout (57014)', withCode('canceling statement due to statement timeout', '57014')],
    ['connection lost mid-query', new Error('Connection terminated unexpectedly')],
    ['pool connect timeout', new Error('timeout exceeded when trying to connect')],
    ['client connect timeout', new Error('Connection terminated due to connection timeout')],
    ['wrapped in a domain error', new Error('database unavailable', { cause: withCode('x', 'ECONNREFUSED') })],
    ['several addresses refused', new AggregateError([withCode('a', 'ECONNREFUSED'), withCode('b', 'ECONNREFUSED')])],
  ])('is true for %s', (_name, error) => {
    expect(isStorageUnavailable(error)).toBe(true);
  });

  it.each([
    ['a syntax error (42601)', withCode('syntax error at or near "SELEC"', '42601')],
    ['a unique violation (23505)', withCode('duplicate key value violates unique constraint', '23505')],
    ['a missing table (42P01)', withCode('relation "x" does not exist', '42P01')],
    ['a deadlock (40P01), which the caller retries itself', withCode('deadlock detected', '40P01')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a string', 'ECONNREFUSED'],
    ['nothing', undefined],
  ])('is false for %s', (_name, error) => {
    expect(isStorageUnavailable(error)).toBe(false);
  });

  it('survives an error that is its own cause', () => {
    const loop = new Error('loop');
    loop.cause = loop;
    expect(isStorageUnavailable(loop)).toBe(false);
  });
});

describe('storageUnavailable', () => {
  it('is an unavailable failure that says when to retry and keeps its cause', () => {
    const cause = Object.assign(new Error('the database system is shutting down'), { code: '57P01' });
    const failure = storageUnavailable(cause);
    expect(failure.kind).toBe('unavailable');
    expect(failure.retryAfterSeconds).toBe(1);
    expect(failure.cause).toBe(cause);
  });
});
