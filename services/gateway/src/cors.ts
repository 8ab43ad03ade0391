// CORS for browser clients on other origins: only registered when CORS_ORIGINS lists some (off by default, so
// a browser page on another origin cannot call the API unless the operator allows it).
import type { FastifyCorsOptions } from '@fastify/cors';

export function corsOptions(origins: string[]): FastifyCorsOptions {
  return {
    origin: origins,
    methods: ['GET', 'HEAD', 'POST'],
    allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-request-id', 'traceparent', 'tracestate'],
    exposedHeaders: ['x-request-id', 'retry-after', 'www-authenticate', 'x-ratelimit-limit', 'x-ratelimit-remaining'],
    maxAge: 600,
  };
}
