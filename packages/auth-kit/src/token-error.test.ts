import jwt from 'jsonwebtoken';
import jwksRsa from 'jwks-rsa';
import { describe, expect, it } from 'vitest';
import { TokenError, toTokenError } from './token-error.js';

describe('toTokenError', () => {
  it.each([
    [new jwt.TokenExpiredError('jwt expired', new Date()), 'expired'],
    [new jwt.NotBeforeError('jwt not active', new Date()), 'not-yet-valid'],
    [new jwt.JsonWebTokenError('invalid signature'), 'signature'],
    [new jwt.JsonWebTokenError('jwt signature is required'), 'signature'],
    [new jwt.JsonWebTokenError('jwt malformed'), 'malformed'],
    [new jwt.JsonWebTokenError('invalid algorithm'), 'algorithm'],
    [new Error('"alg" parameter for "ec" key type must be one of: ES256, ES384, ES512.'), 'algorithm'],
    [new jwt.JsonWebTokenError('jwt audience invalid. expected: platform-api'), 'claims'],
    [new jwt.JsonWebTokenError('jwt issuer invalid. expected: http://localhost:8081'), 'claims'],
    [new jwt.JsonWebTokenError('invalid exp value'), 'claims'],
    [new jwksRsa.JwksError('The JWKS endpoint did not contain any keys'), 'jwks-unavailable'],
    [new jwksRsa.SigningKeyNotFoundError("Unable to find a signing key that matches 'x'"), 'unknown-kid'],
    [new Error('something nobody foresaw'), 'signature'],
  ] as const)('maps %s to %s', (error, reason) => {
    const mapped = toTokenError(error);
    expect(mapped).toBeInstanceOf(TokenError);
    expect(mapped.reason).toBe(reason);
    expect(mapped.cause).toBe(error);
  });

  it('never shows the library message, which may echo configuration, to the client', () => {
    const mapped = toTokenError(new jwt.JsonWebTokenError('jwt issuer invalid. expected: http://internal-auth:8081'));
    expect(mapped.message).toBe('The token claims are not accepted');
    expect(mapped.message).not.toContain('internal-auth');
  });

  it('passes a TokenError through unchanged', () => {
    const error = new TokenError('unknown-kid');
    expect(toTokenError(error)).toBe(error);
  });

  it("says its kind of failure for service-kit's mapping: the caller's fault, except keys that cannot be loaded", () => {
    expect(new TokenError('missing')).toMatchObject({ kind: 'unauthenticated', bearerError: undefined });
    expect(new TokenError('expired')).toMatchObject({ kind: 'unauthenticated', bearerError: 'invalid_token' });
    expect(new TokenError('jwks-unavailable')).toMatchObject({ kind: 'unavailable', bearerError: undefined });
  });
});
