import { describe, expect, it } from 'vitest';
import { bearerToken } from './bearer-token.js';
import { TokenError } from './token-error.js';

describe('bearerToken', () => {
  it('returns the token of a Bearer header, whatever the scheme case', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer abc.def-_~+/=')).toBe('abc.def-_~+/=');
  });

  it.each([undefined, '', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'abc.def.ghi', 'Bearer a b', 'Bearer a,b'])(
    'throws TokenError(missing) for %j',
    (header) => {
      const thrown = (() => {
        try {
          bearerToken(header);
        } catch (error) {
          return error;
        }
      })();
      expect(thrown).toBeInstanceOf(TokenError);
      expect((thrown as TokenError).reason).toBe('missing');
    },
  );
});
