// Builds the orders service from its config: storage (migrated), the service token and the catalog channel, the
// gRPC server, the recovery loop and the ops HTTP server. Nothing listens or runs until listen(); importing this
// module starts nothing.
import { ordersV1 } from '@platform/contracts';
import {
  createGrpcServer,
  createHttpServer,
  createMetrics,
  createPool,
  type GrpcServer,
  type HttpServer,
  type Logger,
  type Metrics,
  migrate,
  pingDatabase,
  Readiness,
} from '@platform/service-kit';
import { createCallerIdentity } from './caller-identity.js';
import { type CatalogClient, createCatalogClient } from './catalog.client.js';
import type { Config } from './config.js';
import { migrations, ORDERS_SCHEMA } from './migrations.js';
import { createOrdersGrpc } from './orders.grpc.js';
import { OrdersRepository } from './orders.repository.js';
import { OrdersService } from './orders.service.js';
import { createPlacementRecovery, type PlacementRecovery } from './placement-recovery.js';
import { createServiceTokens } from './service-token.js';

export type AppConfig = Pick<
  Config,
  | 'HOST'
  | 'GRPC_PORT'
  | 'OPS_PORT'
  | 'DATABASE_URL'
  | 'CATALOG_ADDR'
  | 'JWKS_URL'
  | 'PUBLIC_URL'
  | 'JWT_AUDIENCE'
  | 'GRPC_DEADLINE_MS'
  | 'OAUTH_TOKEN_URL'
  | 'OAUTH_CLIENT_ID'
  | 'OAUTH_CLIENT_SECRET'
  | 'PLACEMENT_LEASE_MS'
  | 'RECOVERY_INTERVAL_MS'
  | 'SHUTDOWN_TIMEOUT_MS'
>;

export interface App {
  grpc: GrpcServer;
  ops: HttpServer;
  readiness: Readiness;
  metrics: Metrics;
  catalog: CatalogClient;
  /** The rules; recover() settles unfinished orders at once (the recovery loop calls it on its interval). */
  service: OrdersService;
  /** Settles orders whose placement or cancel did not finish; runs from listen() until closed. */
  recovery: PlacementRecovery;
  /** Binds the gRPC and ops ports (0 = any free port), starts the recovery loop, and returns the bound ports. */
  listen(): Promise<{ grpcPort: number; opsPort: number }>;
  /** What shutdown closes, in the order it closes them; main.ts hands each to the Lifecycle. */
  readonly closers: readonly { name: string; close: () => Promise<void> | void }[];
  /** Runs every closer in order (tests; main.ts lets the Lifecycle run them). */
  close(): Promise<void>;
}

export async function buildApp(config: AppConfig, { logger }: { logger: Logger }): Promise<App> {
  const pool = createPool({ connectionString: config.DATABASE_URL, applicationName: 'orders' });
  try {
    await migrate(pool, { schema: ORDERS_SCHEMA, migrations, logger });
  } catch (error) {
    await pool.end();
    throw error;
  }

  const metrics = createMetrics('orders');
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
  const service = new OrdersService({
    repository: new OrdersRepository(pool),
    catalog,
    logger,
    leaseMs: config.PLACEMENT_LEASE_MS,
    // long enough for a concurrent placement's two catalog calls, short enough to answer inside a client's deadline
    pendingWaitMs: 2 * config.GRPC_DEADLINE_MS + 1_000,
  });
  const recovery = createPlacementRecovery({ service, intervalMs: config.RECOVERY_INTERVAL_MS, logger });
  const identity = createCallerIdentity({
    jwksUrl: config.JWKS_URL,
    issuer: config.PUBLIC_URL,
    audience: config.JWT_AUDIENCE,
  });

  const grpc = createGrpcServer({ logger, metrics });
  grpc.addService(
    ordersV1.OrdersServiceClient.serviceName,
    ordersV1.OrdersServiceService,
    createOrdersGrpc({ service, identity, logger }),
  );

  const readiness = new Readiness()
    .add('database', () => pingDatabase(pool))
    .add('catalog', () => catalog.checkHealth());
  const ops = createHttpServer({ logger, metrics, readiness });

  const closers = [
    { name: 'ops http', close: () => ops.close() },
    // half the shutdown budget for in-flight calls, the rest for the closers after it
    { name: 'grpc drain', close: () => grpc.shutdown(Math.floor(config.SHUTDOWN_TIMEOUT_MS / 2)) },
    {
      name: 'catalog client',
      close: async () => {
        await recovery.stop();
        await service.drain();
        catalog.close();
      },
    },
    { name: 'database pool', close: () => pool.end() },
  ];

  return {
    grpc,
    ops,
    readiness,
    metrics,
    catalog,
    service,
    recovery,
    closers,
    async listen() {
      const grpcPort = await grpc.listen(config.HOST, config.GRPC_PORT);
      await ops.listen({ host: config.HOST, port: config.OPS_PORT });
      const address = ops.server.address();
      const opsPort = typeof address === 'object' && address ? address.port : config.OPS_PORT;
      recovery.start();
      logger.info({ grpcPort, opsPort, catalog: config.CATALOG_ADDR }, 'orders listening');
      return { grpcPort, opsPort };
    },
    async close() {
      readiness.drain();
      for (const { close } of closers) await close();
    },
  };
}
