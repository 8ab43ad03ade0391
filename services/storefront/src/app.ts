// Builds the storefront from its config: its session storage (migrated), the gateway client, and the pages with
// their security (headers, sessions, CSRF) on service-kit's HTTP server, as service-kit's ServiceApp. Importing it
// starts nothing.
import { fileURLToPath } from 'node:url';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import {
  createHttpServer,
  createMetrics,
  createMigratedPool,
  createReadiness,
  createServiceApp,
  type Logger,
  type Metrics,
  type Pool,
  pingDatabase,
  type ServiceApp,
} from '@platform/service-kit';
import { accountRoutes } from './account.routes.js';
import type { Config } from './config.js';
import { csrfProtection } from './csrf.js';
import { createGatewayClient, type GatewayClient } from './gateway-client.js';
import { migrations, STOREFRONT_SCHEMA } from './migrations.js';
import { ordersRoutes } from './orders.routes.js';
import { handlePageErrors, notFoundPage } from './page-errors.js';
import { pages } from './pages.plugin.js';
import { productsRoutes } from './products.routes.js';
import { securityHeaders } from './security-headers.js';
import { createSessionStore } from './session-store.js';
import { sessions } from './sessions.plugin.js';
import { createSessionsRepository } from './sessions.repository.js';
import { createSignedInCalls } from './signed-in-calls.js';

export const SERVICE_NAME = 'storefront';
export const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));

export type AppConfig = Pick<
  Config,
  | 'HOST'
  | 'PORT'
  | 'SHUTDOWN_TIMEOUT_MS'
  | 'DATABASE_URL'
  | 'GATEWAY_URL'
  | 'GATEWAY_TIMEOUT_MS'
  | 'PUBLIC_ORIGIN'
  | 'SESSION_COOKIE_SECURE'
  | 'SESSION_IDLE_TIMEOUT_SECONDS'
  | 'SESSION_ABSOLUTE_TIMEOUT_SECONDS'
  | 'TOKEN_REFRESH_LEEWAY_SECONDS'
  | 'TRUST_PROXY_HOPS'
  | 'NODE_ENV'
>;

export interface BuildAppOptions {
  logger: Logger;
  /** Defaults to a new registry; tests pass one to read it. */
  metrics?: Metrics;
}

export interface StorefrontApp extends ServiceApp {
  /** For tests that arrange session rows directly. */
  readonly pool: Pool;
  readonly gateway: GatewayClient;
}

export async function buildApp(config: AppConfig, { logger, metrics }: BuildAppOptions): Promise<StorefrontApp> {
  const registry = metrics ?? createMetrics(SERVICE_NAME);
  const pool = await createMigratedPool({
    connectionString: config.DATABASE_URL,
    applicationName: SERVICE_NAME,
    schema: STOREFRONT_SCHEMA,
    migrations,
    logger,
  });

  const gateway = createGatewayClient({
    baseUrl: config.GATEWAY_URL,
    timeoutMs: config.GATEWAY_TIMEOUT_MS,
    registry: registry.registry,
  });
  const readiness = createReadiness()
    .add('database', () => pingDatabase(pool))
    .add('gateway', () => gateway.ping());
  const app = createHttpServer({
    logger,
    metrics: registry,
    readiness,
    // the nearest TRUST_PROXY_HOPS addresses of X-Forwarded-For are our own proxies'
    trustProxy: config.TRUST_PROXY_HOPS > 0 ? (_address, hop) => hop < config.TRUST_PROXY_HOPS : false,
  });
  const store = createSessionStore(createSessionsRepository(pool), {
    idleSeconds: config.SESSION_IDLE_TIMEOUT_SECONDS,
    absoluteSeconds: config.SESSION_ABSOLUTE_TIMEOUT_SECONDS,
  });
  const signedIn = createSignedInCalls({
    store,
    gateway,
    registry: registry.registry,
    leewaySeconds: config.TOKEN_REFRESH_LEEWAY_SECONDS,
    leaseMs: config.GATEWAY_TIMEOUT_MS + 1_000,
  });

  // the shop in its own scope: the ops routes keep service-kit's JSON answers and stay cookie-free
  await app.register(async (web) => {
    await web.register(fastifyHelmet, securityHeaders);
    // static files beside the pages, not under them: no session is loaded for a stylesheet
    await web.register(fastifyStatic, { root: PUBLIC_DIR, prefix: '/static/', maxAge: 3_600_000 });
    await web.register(async (shop) => {
      await shop.register(fastifyFormbody);
      await shop.register(sessions, {
        store,
        secure: config.SESSION_COOKIE_SECURE,
        absoluteSeconds: config.SESSION_ABSOLUTE_TIMEOUT_SECONDS,
      });
      await shop.register(pages, { production: config.NODE_ENV === 'production' });
      await shop.register(csrfProtection, { publicOrigin: config.PUBLIC_ORIGIN });
      handlePageErrors(shop);
      await shop.register(productsRoutes, { gateway });
      await shop.register(accountRoutes, { gateway, leewaySeconds: config.TOKEN_REFRESH_LEEWAY_SECONDS });
      await shop.register(ordersRoutes, { gateway, signedIn });
      shop.get('/*', notFoundPage);
    });
  });

  const service = createServiceApp({
    config,
    logger,
    readiness,
    http: { server: app, port: config.PORT },
    closers: [{ name: 'database pool', close: () => pool.end() }],
  });
  return { ...service, pool, gateway };
}
