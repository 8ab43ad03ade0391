// Builds the gateway from its config: the edge plugins (CORS, rate limit, OpenAPI, token check), the forwarded auth
// routes and the REST-to-gRPC routes of catalog and orders, as service-kit's ServiceApp. Importing it starts nothing.
import fastifyCors from '@fastify/cors';
import { createJwtVerifier, type JwtVerifier } from '@platform/auth-kit';
import {
  createHttpServer,
  createMetrics,
  createReadiness,
  createServiceApp,
  type Logger,
  type Metrics,
  type ServiceApp,
  trustedProxies,
} from '@platform/service-kit';
import { authProxyRoutes } from './auth-proxy.routes.js';
import { authUpstream } from './auth-upstream.js';
import { authentication } from './authentication.js';
import { catalogRoutes, type ProductList } from './catalog.routes.js';
import { type Config, corsOrigins, downstreamAddress } from './config.js';
import { corsOptions } from './cors.js';
import { downstreamRoutes } from './downstream-routes.js';
import { type CatalogClient, createGrpcClients } from './grpc-clients.js';
import { jwksReachable } from './jwks-readiness.js';
import { openapi } from './openapi.js';
import { ordersRoutes } from './orders.routes.js';
import { createProductListCopy } from './product-list-copy.js';
import { rateLimit } from './rate-limit.js';
import { wellKnownRoutes } from './well-known.routes.js';

export interface BuildAppOptions {
  logger: Logger;
  /** Defaults to a new registry; tests pass one to read it. */
  metrics?: Metrics;
  /** Defaults to one built from JWKS_URL, PUBLIC_URL (the issuer) and JWT_AUDIENCE. */
  verifier?: JwtVerifier;
  /**
   * How the catalog routes read products; defaults to the gRPC client of CATALOG_ADDR. The benchmark passes an
   * HTTP/1.1 one (bench/) to measure what gRPC costs on the read path; whoever passes one closes it.
   */
  catalog?: CatalogClient;
}

export type GatewayApp = ServiceApp;
export type { CatalogClient } from './grpc-clients.js';

export async function buildApp(config: Config, options: BuildAppOptions): Promise<GatewayApp> {
  const metrics = options.metrics ?? createMetrics('gateway');
  // /readyz answers on the public port: its JWKS fetch is shared by concurrent probes and reused for a while
  const readiness = createReadiness().add('auth-jwks', jwksReachable(config.JWKS_URL, 1_500), {
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
  // public product reads from memory, while catalog's WatchProducts says the copy is current (not over a catalog
  // client passed in, such as the benchmark's HTTP/1.1 one)
  const productListCopy =
    config.PRODUCT_LIST_COPY && !options.catalog
      ? createProductListCopy<ProductList>({
          watch: () => grpc.watchProducts(),
          logger: options.logger,
          registry: metrics.registry,
        })
      : undefined;
  await app.register(catalogRoutes, { catalog: options.catalog ?? grpc.catalog, productListCopy });
  await app.register(ordersRoutes, { orders: grpc.orders, onStockChange: () => productListCopy?.invalidate() });
  // the routes of services added by `npm run new:service`, each at the address the list gives it
  for (const routes of downstreamRoutes) {
    const address = downstreamAddress(config, routes.service);
    await app.register(routes.register, { address, deadlineMs: config.GRPC_DEADLINE_MS, metrics });
  }

  return createServiceApp({
    config,
    logger: options.logger,
    readiness,
    http: { server: app, port: config.PORT },
    background: productListCopy ? [productListCopy] : [],
    closers: [
      { name: 'grpc clients', close: () => grpc.close() },
      { name: 'token verifier', close: () => verifier.close() },
    ],
  });
}
