// Per-client rate limit: RATE_LIMIT_MAX requests per RATE_LIMIT_WINDOW_MS per client IP, in memory (so per
// gateway replica), answered with a 429 problem and Retry-After; the ops routes are never limited.
import fastifyRateLimit, { type RateLimitPluginOptions } from '@fastify/rate-limit';
import { HttpProblem } from '@platform/service-kit';
import type { FastifyInstance } from 'fastify';
import fastifyPlugin from 'fastify-plugin';

const OPS_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

export interface RateLimitOptions {
  max: number;
  windowMs: number;
}

export const rateLimit = fastifyPlugin<RateLimitOptions>(
  async (app: FastifyInstance, { max, windowMs }) => {
    const options: RateLimitPluginOptions = {
      global: true,
      max,
      timeWindow: windowMs,
      // request.ip: the socket's address, or X-Forwarded-For's as far as TRUST_PROXY_HOPS allows
      keyGenerator: (request) => request.ip,
      // probes and scrapers come often from one address and must never be refused
      allowList: (request) => OPS_ROUTES.has(request.routeOptions.url ?? ''),
      errorResponseBuilder: (_request, context) =>
        new HttpProblem(429, `Rate limit of ${context.max} requests per ${context.after} exceeded; retry later`, {
          headers: { 'retry-after': String(Math.max(1, Math.ceil(context.ttl / 1000))) },
        }),
    };
    await app.register(fastifyRateLimit, options);
  },
  { name: 'rate-limit', fastify: '5.x' },
);
