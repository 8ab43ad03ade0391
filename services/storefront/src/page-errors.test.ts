import { describe, expect, it } from 'vitest';
import { localPath, loginUrl } from './page-errors.js';

describe('localPath', () => {
  it('keeps a path of this site', () => {
    expect(localPath('/orders')).toBe('/orders');
    expect(localPath('/products/1?x=y')).toBe('/products/1?x=y');
  });

  it('drops anything that would leave it', () => {
    for (const value of ['//evil.example', '/\\evil.example', 'https://evil.example', 'orders', '', '/a b', 42]) {
      expect(localPath(value), String(value)).toBeUndefined();
    }
    expect(localPath(`/${'a'.repeat(600)}`)).toBeUndefined();
  });
});

describe('loginUrl', () => {
  it('names where to come back to and why', () => {
    expect(loginUrl(undefined)).toBe('/login');
    expect(loginUrl('/')).toBe('/login');
    expect(loginUrl('/orders')).toBe('/login?next=%2Forders');
    expect(loginUrl('/orders', 'session-ended')).toBe('/login?notice=session-ended&next=%2Forders');
  });
});
