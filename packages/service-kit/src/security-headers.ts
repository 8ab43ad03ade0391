// The response headers the OWASP REST Security Cheat Sheet asks of an API ("Security Headers"), on every answer of
// every HTTP server of the platform. Strict-Transport-Security is left to the edge that terminates TLS: these
// servers speak plain HTTP behind it, and browsers ignore the header on a plain-HTTP answer anyway.
import type { FastifyReply } from 'fastify';

/** Set on every response; nothing of the platform is meant to be framed or sniffed. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "frame-ancestors 'none'",
};

/**
 * API answers carry data of one caller (tokens, orders): no cache may keep them. A route that is meant to be cached
 * (the JWKS) sets its own Cache-Control, which is kept.
 */
export const DEFAULT_CACHE_CONTROL = 'no-store';

/**
 * Fills in what a route or plugin has not set itself: a page served to browsers (the storefront's, through helmet)
 * brings a fuller Content-Security-Policy, which must not be narrowed back to the API's.
 */
export function applySecurityHeaders(reply: FastifyReply): void {
  const isSet = (name: string) => reply.hasHeader(name) || reply.raw.hasHeader(name);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) if (!isSet(name)) reply.header(name, value);
  if (!isSet('cache-control')) reply.header('cache-control', DEFAULT_CACHE_CONTROL);
}
