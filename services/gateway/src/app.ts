// Builds the gateway from its config: the edge plugins (CORS, rate limit, OpenAPI, token check), the forwarded auth
// routes and the REST-to-gRPC routes of catalog and orders. Nothing listens until main.ts says so.
import fastifyCors from '@fastify/cors';
import { createJwtVerifier, type JwtVerifier } from '@platform/auth-kit';
import {
  createHttpServer,
  createMetrics,
  type HttpServer,
  type Logger,
  type Metrics,
  Readiness,
  trustedProxies,
} from '@platform/service-kit';
import { authProxyRoutes } from './auth-proxy.routes.js';
import { authUpstream } from './auth-upstream.js';
import { authentication } from './authentication.js';
import { catalogRoutes } from './catalog.routes.js';
import { createCatalogHttpClient } from './catalog-http-client.js';
import { type Config, corsOrigins } from './config.js';
import { corsOptions } from './cors.js';
import { createGrpcClients } from './grpc-clients.js';
import { jwksReachable } from './jwks-readiness.js';
import { openapi } from './openapi.js';
import { ordersRoutes } from './orders.routes.js';
import { rateLimit } from './rate-limit.js';
import { wellKnownRoutes } from './well-known.routes.js';

export interface BuildAppOptions {
  logger: Logger;
  /** Defaults to a new registry; tests pass one to read it. */
  metrics?: Metrics;
  /** Defaults to one built from JWKS_URL, PUBLIC_URL (the issuer) and JWT_AUDIENCE. */
  verifier?: JwtVerifier;
}

export type GatewayApp = HttpServer & { readiness: Readiness };

export async function buildApp(config: Config, options: BuildAppOptions): Promise<GatewayApp> {
  const metrics = options.metrics ?? createMetrics('gateway');
  // /readyz answers on the public port: its JWKS fetch is shared by concurrent probes and reused for a while
  const readiness = new Readiness().add('auth-jwks', jwksReachable(config.JWKS_URL, 1_500), {
    cacheMs: config.READINESS_CACHE_MS,
  });
  const app = createHttpServer({
    logger: options.logger,
    metrics,
    readiness,
    // X-Forwarded-For is believed from the named proxies only; a client cannot pick its own address
    trustProxy: trustedProxies(config.TRUSTED_PROXIES, 'TRUSTED_PROXIES'),
  });

  const verifier =
    options.verifier ??
    createJwtVerifier({ jwksUrl: config.JWKS_URL, issuer: config.PUBLIC_URL, audience: config.JWT_AUDIENCE });
  const grpc = createGrpcClients({
    catalogAddress: config.CATALOG_ADDR,
    ordersAddress: config.ORDERS_ADDR,
    deadlineMs: config.GRPC_DEADLINE_MS,
    metrics,
  });
  const catalogOverHttp =
    config.CATALOG_TRANSPORT === 'http'
      ? createCatalogHttpClient({ baseUrl: config.CATALOG_HTTP_URL, deadlineMs: config.GRPC_DEADLINE_MS })
      : undefined;
  app.addHook('onClose', async () => {
    grpc.close();
    verifier.close();
    await catalogOverHttp?.close();
  });

  const origins = corsOrigins(config);
  if (origins.length > 0) await app.register(fastifyCors, corsOptions(origins));
  await app.register(rateLimit, {
    max: config.RATE_LIMIT_MAX,
    windowMs: config.RATE_LIMIT_WINDOW_MS,
    credentialsMax: config.CREDENTIALS_RATE_LIMIT_MAX,
    credentialsWindowMs: config.CREDENTIALS_RATE_LIMIT_WINDOW_MS,
  });
  await app.register(openapi, { publicUrl: config.PUBLIC_URL });
  await app.register(authentication, { verifier });

  await app.register(async (authScope) => {
    await authScope.register(authUpstream, { baseUrl: config.AUTH_URL, timeoutMs: config.AUTH_TIMEOUT_MS });
    await authScope.register(authProxyRoutes);
    await authScope.register(wellKnownRoutes);
  });
  await app.register(catalogRoutes, { catalog: catalogOverHttp ?? grpc.catalog });
  await app.register(ordersRoutes, { orders: grpc.orders });

  return Object.assign(app, { readiness });
}
