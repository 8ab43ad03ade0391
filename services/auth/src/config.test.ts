import { ConfigError, loadConfig } from '@platform/service-kit';
import { describe, expect, it } from 'vitest';
import { configSchema } from './config.js';

const DATABASE_URL = 'postgres://auth@127.0.0.1:5432/auth';

describe('auth config', () => {
  it('has the platform defaults', () => {
    expect(loadConfig(configSchema, { DATABASE_URL })).toMatchObject({
      PORT: 8081,
      DATA_DIR: '.data',
      PUBLIC_URL: 'http://localhost:8080',
      JWT_AUDIENCE: 'platform-api',
      ACCESS_TOKEN_TTL_SECONDS: 900,
      LOGIN_MAX_FAILURES: 5,
      LOGIN_LOCKOUT_SECONDS: 60,
    });
  });

  it('refuses an access token lifetime over 15 minutes and a missing DATABASE_URL, naming each', () => {
    let error: unknown;
    try {
      loadConfig(configSchema, { ACCESS_TOKEN_TTL_SECONDS: '901' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(/^DATABASE_URL is required/),
      expect.stringMatching(/^ACCESS_TOKEN_TTL_SECONDS must be <= 900/),
    ]);
  });

  it('takes PUBLIC_URL as an origin only, and names it when it is anything else', () => {
    expect(loadConfig(configSchema, { DATABASE_URL, PUBLIC_URL: 'https://api.example.com' }).PUBLIC_URL).toBe(
      'https://api.example.com',
    );
    for (const bad of ['https://api.example.com/', 'https://api.example.com/auth', 'api.example.com', 'ftp://x']) {
      expect(() => loadConfig(configSchema, { DATABASE_URL, PUBLIC_URL: bad })).toThrow(
        /^invalid configuration: PUBLIC_URL must be an http:\/\/ or https:\/\/ origin without a path/,
      );
    }
  });
});
