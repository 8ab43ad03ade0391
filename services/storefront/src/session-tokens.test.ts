import { describe, expect, it } from 'vitest';
import { sessionTokens } from './session-tokens.js';

const pair = (expiresIn: number) => ({ accessToken: 'a', refreshToken: 'r', tokenType: 'Bearer', expiresIn });

describe('sessionTokens', () => {
  it('refreshes a leeway ahead of expiry', () => {
    expect(sessionTokens(pair(900), 60, 1_000)).toEqual({
      accessToken: 'a',
      refreshToken: 'r',
      accessExpiresAt: 901_000,
      refreshAt: 841_000,
    });
  });

  it('refreshes at half the lifetime of a token shorter than twice the leeway', () => {
    expect(sessionTokens(pair(4), 60, 0)).toMatchObject({ accessExpiresAt: 4_000, refreshAt: 2_000 });
  });

  it('with no leeway, refreshes at expiry', () => {
    expect(sessionTokens(pair(10), 0, 0).refreshAt).toBe(10_000);
  });
});
