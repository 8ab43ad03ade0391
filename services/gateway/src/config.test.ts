import { ConfigError } from '@platform/service-kit';
import { describe, expect, it } from 'vitest';
import { corsOrigins, parseConfig } from './config.js';

describe('parseConfig', () => {
  it('has the platform defaults and derives JWKS_URL from AUTH_URL', () => {
    const config = parseConfig({ AUTH_URL: 'http://auth:8081/' });
    expect(config).toMatchObject({
      PORT: 8080,
      AUTH_URL: 'http://auth:8081',
      JWKS_URL: 'http://auth:8081/.well-known/jwks.json',
      CATALOG_ADDR: '127.0.0.1:50051',
      ORDERS_ADDR: '127.0.0.1:50052',
      PUBLIC_URL: 'http://localhost:8080',
      JWT_AUDIENCE: 'platform-api',
      GRPC_DEADLINE_MS: 2000,
      RATE_LIMIT_MAX: 600,
      RATE_LIMIT_WINDOW_MS: 60000,
      CREDENTIALS_RATE_LIMIT_MAX: 60,
      CREDENTIALS_RATE_LIMIT_WINDOW_MS: 60000,
      READINESS_CACHE_MS: 5000,
    });
    expect(corsOrigins(config)).toEqual([]);
  });

  it('keeps an explicit JWKS_URL', () => {
    expect(parseConfig({ JWKS_URL: 'http://keys:1/jwks' }).JWKS_URL).toBe('http://keys:1/jwks');
  });

  it('reads CORS_ORIGINS as a list', () => {
    const config = parseConfig({ CORS_ORIGINS: 'https://a.example.com, http://localhost:3000' });
    expect(corsOrigins(config)).toEqual(['https://a.example.com', 'http://localhost:3000']);
  });

  it('names every bad variable', () => {
    const bad = () =>
      parseConfig({ GRPC_DEADLINE_MS: '0', CATALOG_ADDR: 'catalog', CORS_ORIGINS: '*', AUTH_URL: 'auth:8081' });
    expect(bad).toThrow(ConfigError);
    try {
      bad();
    } catch (error) {
      const message = (error as ConfigError).message;
      for (const name of ['GRPC_DEADLINE_MS', 'CATALOG_ADDR', 'CORS_ORIGINS', 'AUTH_URL'])
        expect(message).toContain(name);
    }
  });
});
