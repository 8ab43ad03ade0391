// Builds the catalog service from its config: storage (migrated, optionally seeded), the gRPC server with health,
// and the ops HTTP server. Nothing listens until listen(); importing this module starts nothing.
import { createJwtVerifier } from '@platform/auth-kit';
import { catalogV1 } from '@platform/contracts';
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
  type Pool,
  pingDatabase,
  Readiness,
} from '@platform/service-kit';
import { createCatalogHandlers } from './catalog.grpc.js';
import type { Config } from './config.js';
import { demoProducts } from './demo-products.js';
import { CATALOG_SCHEMA, migrations } from './migrations.js';
import { ProductsRepository } from './products.repository.js';
import { addProductsRoutes } from './products.routes.js';
import { ProductsService } from './products.service.js';
import { createStockHoldSweeper, type StockHoldSweeper } from './stock-hold-sweeper.js';

export const SERVICE_NAME = 'catalog';
/** The fully qualified gRPC service name, as health checks ask for it. */
export const CATALOG_SERVICE = catalogV1.CatalogServiceClient.serviceName;

export type AppConfig = Pick<
  Config,
  | 'HOST'
  | 'GRPC_PORT'
  | 'OPS_PORT'
  | 'DATABASE_URL'
  | 'SEED_DEMO_DATA'
  | 'JWKS_URL'
  | 'PUBLIC_URL'
  | 'SERVICE_TOKEN_AUDIENCE'
  | 'STOCK_CLIENTS'
  | 'STOCK_HOLD_TTL_MS'
  | 'STOCK_HOLD_SWEEP_INTERVAL_MS'
  | 'SHUTDOWN_TIMEOUT_MS'
>;

export interface App {
  grpc: GrpcServer;
  ops: HttpServer;
  readiness: Readiness;
  metrics: Metrics;
  pool: Pool;
  /** Gives back expired holds' stock; runs from listen() until stopped. */
  sweeper: StockHoldSweeper;
  /** Binds gRPC and ops ports (0 = any free port), starts the sweeper, and returns the bound ports. */
  listen(): Promise<{ grpcPort: number; opsPort: number }>;
  /** Drains gRPC (health NOT_SERVING first), then stops the sweeper and closes the ops server and the pool. */
  close(): Promise<void>;
  /** The gRPC drain deadline: in-flight calls get this long before they are cancelled. */
  readonly drainDeadlineMs: number;
}

export async function buildApp(config: AppConfig, { logger }: { logger: Logger }): Promise<App> {
  const metrics = createMetrics(SERVICE_NAME);
  const pool = createPool({ connectionString: config.DATABASE_URL, applicationName: SERVICE_NAME });
  try {
    await migrate(pool, { schema: CATALOG_SCHEMA, migrations, logger });
    const products = new ProductsService(new ProductsRepository(pool), { holdMs: config.STOCK_HOLD_TTL_MS });
    if (config.SEED_DEMO_DATA) {
      const added = await products.seed(demoProducts);
      logger.info({ added }, added > 0 ? 'demo products seeded' : 'catalog not empty: demo products not seeded');
    }

    // the stock RPCs take service tokens only: this audience is never in an end user's token
    const verifier = createJwtVerifier({
      jwksUrl: config.JWKS_URL,
      issuer: config.PUBLIC_URL,
      audience: config.SERVICE_TOKEN_AUDIENCE,
    });
    const grpc = createGrpcServer({ logger, metrics });
    grpc.addService(
      CATALOG_SERVICE,
      catalogV1.CatalogServiceService,
      createCatalogHandlers({ products, verifier, stockClients: config.STOCK_CLIENTS.split(','), logger }),
    );
    const sweeper = createStockHoldSweeper({ products, intervalMs: config.STOCK_HOLD_SWEEP_INTERVAL_MS, logger });

    const readiness = new Readiness().add('database', () => pingDatabase(pool));
    const ops = createHttpServer({ logger, metrics, readiness });
    addProductsRoutes(ops, { products });
    // half the shutdown budget for in-flight calls, the rest for closing the ops server, pool and telemetry
    const drainDeadlineMs = Math.floor(config.SHUTDOWN_TIMEOUT_MS / 2);

    return {
      grpc,
      ops,
      readiness,
      metrics,
      pool,
      sweeper,
      drainDeadlineMs,
      async listen() {
        const grpcPort = await grpc.listen(config.HOST, config.GRPC_PORT);
        await ops.listen({ host: config.HOST, port: config.OPS_PORT });
        const address = ops.server.address();
        const opsPort = typeof address === 'object' && address ? address.port : config.OPS_PORT;
        sweeper.start();
        logger.info({ grpcPort, opsPort }, 'catalog listening');
        return { grpcPort, opsPort };
      },
      async close() {
        readiness.drain();
        await grpc.shutdown(drainDeadlineMs);
        await sweeper.stop();
        await ops.close();
        verifier.close();
        await pool.end();
      },
    };
  } catch (error) {
    await pool.end();
    throw error;
  }
}
