// Builds the orders service from its config: storage (migrated), the service token and the catalog channel, the
// gRPC API, the recovery loop and the ops server, as service-kit's ServiceApp. Importing it starts nothing.
import { createJwtVerifier } from '@platform/auth-kit';
import { ordersV1 } from '@platform/contracts';
import {
  type AppConfigOf,
  createGrpcServer,
  createHttpServer,
  createMetrics,
  createMigratedPool,
  createPeriodicWork,
  createReadiness,
  createServiceApp,
  type Logger,
  pingDatabase,
  type ServiceApp,
} from '@platform/service-kit';
import { type CatalogClient, createCatalogClient } from './catalog.client.js';
import type { Config } from './config.js';
import { migrations, ORDERS_SCHEMA } from './migrations.js';
import { createOrdersGrpc } from './orders.grpc.js';
import { createOrdersRepository } from './orders.repository.js';
import { createOrdersService, type OrdersService } from './orders.service.js';
import { createServiceTokens } from './service-token.js';

export const SERVICE_NAME = 'orders';

export type AppConfig = AppConfigOf<Config>;

export interface OrdersApp extends ServiceApp {
  /** The stock calls as orders makes them (tests arrange holds with it). */
  readonly catalog: CatalogClient;
  /** The rules; recover() settles unfinished orders at once (the recovery loop calls it on its interval). */
  readonly service: OrdersService;
}

export async function buildApp(config: AppConfig, { logger }: { logger: Logger }): Promise<OrdersApp> {
  const pool = await createMigratedPool({
    connectionString: config.DATABASE_URL,
    applicationName: SERVICE_NAME,
    schema: ORDERS_SCHEMA,
    migrations,
    logger,
  });

  const metrics = createMetrics(SERVICE_NAME);
  const tokens = createServiceTokens({
    tokenUrl: config.OAUTH_TOKEN_URL,
    clientId: config.OAUTH_CLIENT_ID,
    clientSecret: config.OAUTH_CLIENT_SECRET,
    timeoutMs: config.GRPC_DEADLINE_MS,
  });
  const catalog = createCatalogClient({
    address: config.CATALOG_ADDR,
    deadlineMs: config.GRPC_DEADLINE_MS,
    metrics,
    tokens,
  });
  const service = createOrdersService({
    repository: createOrdersRepository(pool),
    catalog,
    logger,
    leaseMs: config.PLACEMENT_LEASE_MS,
    // long enough for a concurrent placement's two catalog calls, short enough to answer inside a client's deadline
    pendingWaitMs: 2 * config.GRPC_DEADLINE_MS + 1_000,
  });
  // settles the orders nobody owns any more (a placement whose process died, a cancel left half-way), with the
  // orders service's own token; safe with replicas (the repository's SKIP LOCKED and leases)
  const recovery = createPeriodicWork({
    name: 'placement recovery',
    intervalMs: config.RECOVERY_INTERVAL_MS,
    logger,
    round: async () => {
      const settled = await service.recover();
      if (settled > 0) logger.info({ settled }, 'unfinished orders recovered');
    },
  });
  const verifier = createJwtVerifier({
    jwksUrl: config.JWKS_URL,
    issuer: config.PUBLIC_URL,
    audience: config.JWT_AUDIENCE,
  });

  const grpc = createGrpcServer({ logger, metrics });
  grpc.addService(
    ordersV1.OrdersServiceClient.serviceName,
    ordersV1.OrdersServiceService,
    createOrdersGrpc({ service, verifier, logger }),
  );
  const readiness = createReadiness()
    .add('database', () => pingDatabase(pool))
    .add('catalog', () => catalog.checkHealth());

  const app = createServiceApp({
    config,
    logger,
    readiness,
    http: { server: createHttpServer({ logger, metrics, readiness }), port: config.OPS_PORT },
    grpc: { server: grpc, port: config.GRPC_PORT },
    background: [recovery],
    closers: [
      // undos still running after their call was answered need the catalog channel and the pool
      { name: 'compensations', close: () => service.drain() },
      { name: 'catalog client', close: () => catalog.close() },
      { name: 'token verifier', close: () => verifier.close() },
      { name: 'database pool', close: () => pool.end() },
    ],
  });
  return { ...app, catalog, service };
}
