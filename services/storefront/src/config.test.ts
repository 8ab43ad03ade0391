import { ConfigError } from '@platform/service-kit/config';
import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.js';

const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

describe('parseConfig', () => {
  it('has the contract port and safe defaults', () => {
    expect(parseConfig({ DATABASE_URL })).toMatchObject({
      PORT: 8082,
      GATEWAY_URL: 'http://127.0.0.1:8080',
      GATEWAY_TIMEOUT_MS: 5000,
      SESSION_COOKIE_SECURE: 'auto',
      SESSION_IDLE_TIMEOUT_SECONDS: 86_400,
      SESSION_ABSOLUTE_TIMEOUT_SECONDS: 604_800,
      TOKEN_REFRESH_LEEWAY_SECONDS: 60,
      TRUST_PROXY_HOPS: 0,
    });
  });

  it('drops a trailing slash of GATEWAY_URL', () => {
    expect(parseConfig({ DATABASE_URL, GATEWAY_URL: 'http://gateway:8080/' }).GATEWAY_URL).toBe('http://gateway:8080');
  });

  it('names every bad variable', () => {
    const bad = () =>
      parseConfig({
        GATEWAY_URL: 'gateway:8080',
        PUBLIC_ORIGIN: 'https://shop.example.com/path',
        SESSION_COOKIE_SECURE: 'sometimes',
        PORT: '99999',
      });
    expect(bad).toThrow(ConfigError);
    const message = (() => {
      try {
        bad();
      } catch (error) {
        return (error as Error).message;
      }
    })();
    for (const name of ['DATABASE_URL', 'GATEWAY_URL', 'PUBLIC_ORIGIN', 'SESSION_COOKIE_SECURE', 'PORT']) {
      expect(message).toContain(name);
    }
  });

  it('refuses an idle timeout longer than the absolute one', () => {
    expect(() =>
      parseConfig({ DATABASE_URL, SESSION_IDLE_TIMEOUT_SECONDS: '7200', SESSION_ABSOLUTE_TIMEOUT_SECONDS: '3600' }),
    ).toThrow(/SESSION_IDLE_TIMEOUT_SECONDS must not exceed SESSION_ABSOLUTE_TIMEOUT_SECONDS/);
  });
});
