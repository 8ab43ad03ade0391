// Per-client rate limits, in memory (so per gateway replica), answered with a 429 problem and Retry-After:
// RATE_LIMIT_MAX requests per RATE_LIMIT_WINDOW_MS on every route, and a stricter limit of their own on login and
// registration (CREDENTIALS_RATE_LIMIT_*), whose every call costs a password hash in auth. The ops routes are never
// limited. The client is request.ip: the peer's address, or X-Forwarded-For's as far as TRUSTED_PROXIES allows.
import fastifyRateLimit, { type RateLimitOptions as RouteLimit } from '@fastify/rate-limit';
import { HttpProblem } from '@platform/service-kit';
import type { FastifyInstance } from 'fastify';
import fastifyPlugin from 'fastify-plugin';

const OPS_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);
/** Routes that check a password: an attacker's guesses and a flood of registrations both land here. */
export const CREDENTIAL_ROUTES = new Set(['POST /api/auth/login', 'POST /api/auth/register']);

export interface RateLimitOptions {
  /** 0: no limit on the other routes. */
  max: number;
  windowMs: number;
  /** 0: login and registration share the other routes' limit. */
  credentialsMax: number;
  credentialsWindowMs: number;
}

export const rateLimit = fastifyPlugin<RateLimitOptions>(
  async (app: FastifyInstance, { max, windowMs, credentialsMax, credentialsWindowMs }) => {
    if (max === 0 && credentialsMax === 0) return;
    if (credentialsMax > 0) {
      // before the plugin's own onRoute hook, which reads a route's config.rateLimit as it is added
      app.addHook('onRoute', (route) => {
        const methods = Array.isArray(route.method) ? route.method : [route.method];
        if (!methods.some((method) => CREDENTIAL_ROUTES.has(`${method} ${route.url}`))) return;
        const limit: RouteLimit = { max: credentialsMax, timeWindow: credentialsWindowMs };
        route.config = { ...(route.config as object), rateLimit: limit } as typeof route.config;
      });
    }
    await app.register(fastifyRateLimit, {
      global: max > 0,
      max,
      timeWindow: windowMs,
      keyGenerator: (request) => request.ip,
      // probes and scrapers come often from one address and must never be refused
      allowList: (request) => OPS_ROUTES.has(request.routeOptions.url ?? ''),
      errorResponseBuilder: (_request, context) =>
        new HttpProblem(429, `Rate limit of ${context.max} requests per ${context.after} exceeded; retry later`, {
          headers: { 'retry-after': String(Math.max(1, Math.ceil(context.ttl / 1000))) },
        }),
    });
  },
  { name: 'rate-limit', fastify: '5.x' },
);
