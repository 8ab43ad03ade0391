import { describe, expect, it } from 'vitest';
import { requestOrigin, tokensMatch } from './csrf.js';

describe('requestOrigin', () => {
  it('takes Origin, else the origin of Referer', () => {
    expect(requestOrigin('https://shop.example.com', 'https://evil.example/x')).toBe('https://shop.example.com');
    expect(requestOrigin(undefined, 'https://shop.example.com/products/1?x=2')).toBe('https://shop.example.com');
    expect(requestOrigin('null', 'http://127.0.0.1:8082/login')).toBe('http://127.0.0.1:8082');
  });

  it('is unknown when neither says', () => {
    expect(requestOrigin(undefined, undefined)).toBeUndefined();
    expect(requestOrigin('null', undefined)).toBeUndefined();
    expect(requestOrigin(undefined, 'not a url')).toBeUndefined();
  });
});

describe('tokensMatch', () => {
  it('matches only the same token', () => {
    expect(tokensMatch('abc', 'abc')).toBe(true);
    expect(tokensMatch('abc', 'abd')).toBe(false);
    expect(tokensMatch('abc', 'abcd')).toBe(false);
    expect(tokensMatch('abc', ['abc'])).toBe(false);
    expect(tokensMatch(undefined, 'abc')).toBe(false);
    expect(tokensMatch('abc', undefined)).toBe(false);
  });
});
