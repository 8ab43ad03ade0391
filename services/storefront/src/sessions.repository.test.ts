import { describe, expect, it } from 'vitest';
import { isStorageUnavailable } from './sessions.repository.js';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isStorageUnavailable', () => {
  it('recognises a database out of reach or not taking work', () => {
    for (const error of [
      withCode('ECONNREFUSED'),
      withCode('08006'),
      withCode('57P01'),
      withCode('53300'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
    ]) {
      expect(isStorageUnavailable(error), error.message).toBe(true);
    }
  });

  it('leaves real bugs to be bugs', () => {
    expect(isStorageUnavailable(withCode('42P01', 'relation does not exist'))).toBe(false);
    expect(isStorageUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isStorageUnavailable('ECONNREFUSED')).toBe(false);
  });
});
