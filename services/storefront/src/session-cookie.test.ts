import { describe, expect, it } from 'vitest';
import { sessionCookie } from './session-cookie.js';

describe('sessionCookie', () => {
  it('is HttpOnly and SameSite=Lax, host-only, always', () => {
    for (const [setting, tls] of [
      ['auto', false],
      ['auto', true],
      ['true', false],
      ['false', true],
    ] as const) {
      const { options } = sessionCookie(setting, tls, 60);
      expect(options).toMatchObject({ httpOnly: true, sameSite: 'lax', path: '/', maxAge: 60 });
      expect(options).not.toHaveProperty('domain');
    }
  });

  it('is Secure with the __Host- prefix over TLS, or when configured', () => {
    expect(sessionCookie('auto', true, 60)).toMatchObject({
      name: '__Host-storefront_session',
      options: { secure: true },
    });
    expect(sessionCookie('true', false, 60)).toMatchObject({
      name: '__Host-storefront_session',
      options: { secure: true },
    });
    expect(sessionCookie('auto', false, 60)).toMatchObject({ name: 'storefront_session', options: { secure: false } });
    expect(sessionCookie('false', true, 60)).toMatchObject({ name: 'storefront_session', options: { secure: false } });
  });
});
