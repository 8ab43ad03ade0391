// The session cookie: HttpOnly so no script can read it, SameSite=Lax so other sites' forms do not carry it, and
// Secure with the `__Host-` prefix (no Domain, Path=/, HTTPS only) whenever the shop is served over TLS.
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { Config } from './config.js';

export const PLAIN_COOKIE_NAME = 'storefront_session';
export const SECURE_COOKIE_NAME = '__Host-storefront_session';

export type SecureSetting = Config['SESSION_COOKIE_SECURE'];

export interface SessionCookie {
  name: string;
  options: CookieSerializeOptions;
}

/** The cookie for a request: `secureSetting` from the config, `overTls` whether this request came over HTTPS. */
export function sessionCookie(secureSetting: SecureSetting, overTls: boolean, maxAgeSeconds: number): SessionCookie {
  const secure = secureSetting === 'true' || (secureSetting === 'auto' && overTls);
  return {
    name: secure ? SECURE_COOKIE_NAME : PLAIN_COOKIE_NAME,
    options: { httpOnly: true, sameSite: 'lax', path: '/', secure, maxAge: maxAgeSeconds },
  };
}
