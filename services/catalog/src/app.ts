// Builds the catalog service from its config: storage (migrated, optionally seeded) with product reads from memory
// (PRODUCT_CACHE), the gRPC API with its token verifier, the stock hold sweeper, and the ops server, as
// service-kit's ServiceApp. Importing it starts nothing.
import { createJwtVerifier } from '@platform/auth-kit';
import { catalogV1 } from '@platform/contracts';
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
  type Pool,
  pingDatabase,
  type ServiceApp,
} from '@platform/service-kit';
import { withProductCache } from './cached-products-repository.js';
import type { Config } from './config.js';
import { demoProducts } from './demo-products.js';
import { CATALOG_SCHEMA, migrations } from './migrations.js';
import { createProductCache, type ProductCache } from './product-cache.js';
import { createProductWatch } from './product-watch.js';
import { createProductsGrpc } from './products.grpc.js';
import { createProductsRepository } from './products.repository.js';
import { createProductsService, type ProductsService } from './products.service.js';
import type { Product } from './products.types.js';

export const SERVICE_NAME = 'catalog';
/** The fully qualified gRPC service name, as health checks ask for it. */
export const CATALOG_SERVICE = catalogV1.CatalogServiceClient.serviceName;

export type AppConfig = AppConfigOf<Config>;

export interface CatalogApp extends ServiceApp {
  /** The rules over storage (the benchmark puts its HTTP/1.1 face on them). */
  readonly products: ProductsService;
  /** For tests that arrange rows directly. */
  readonly pool: Pool;
  /** The product reads' memory (PRODUCT_CACHE), for tests and operators; undefined when off. */
  readonly productCache: ProductCache<Product> | undefined;
}

export async function buildApp(config: AppConfig, { logger }: { logger: Logger }): Promise<CatalogApp> {
  const pool = await createMigratedPool({
    connectionString: config.DATABASE_URL,
    applicationName: SERVICE_NAME,
    schema: CATALOG_SCHEMA,
    migrations,
    logger,
  });
  const repository = createProductsRepository(pool);
  // reads from memory: every write below drops the copy after it finished, other replicas' writes by NOTIFY
  const cache = config.PRODUCT_CACHE
    ? createProductCache<Product>({
        loadAll: () => repository.list(),
        loadOne: (id) => repository.findById(id),
        connectionString: config.DATABASE_URL,
        logger,
      })
    : undefined;
  const products = createProductsService(cache ? withProductCache(repository, cache) : repository, {
    holdMs: config.STOCK_HOLD_TTL_MS,
  });
  if (config.SEED_DEMO_DATA) {
    const added = await products.seed(demoProducts).catch(async (error: unknown) => {
      await pool.end();
      throw error;
    });
    logger.info({ added }, added > 0 ? 'demo products seeded' : 'catalog not empty: demo products not seeded');
  }
  // resolves once listening, or after a first failed try: until it listens, reads go to the database
  await cache?.start();

  const metrics = createMetrics(SERVICE_NAME);
  // the stock RPCs take service tokens only: this audience is never in an end user's token
  const verifier = createJwtVerifier({
    jwksUrl: config.JWKS_URL,
    issuer: config.PUBLIC_URL,
    audience: config.SERVICE_TOKEN_AUDIENCE,
  });
  // tells the gateway when its copy of the product list must go (without PRODUCT_CACHE: that it may keep none)
  const watch = createProductWatch({ cache, heartbeatMs: config.WATCH_HEARTBEAT_MS });
  const grpc = createGrpcServer({ logger, metrics });
  grpc.addService(
    CATALOG_SERVICE,
    catalogV1.CatalogServiceService,
    createProductsGrpc({ products, verifier, stockClients: config.STOCK_CLIENTS.split(','), watch, logger }),
  );
  // gives back the stock of holds nobody confirmed in time (a placement that died between reserve and confirm);
  // safe with replicas: each expired hold is taken by one sweeping transaction (SKIP LOCKED)
  const sweeper = createPeriodicWork({
    name: 'stock hold sweeper',
    intervalMs: config.STOCK_HOLD_SWEEP_INTERVAL_MS,
    logger,
    round: async () => {
      const expired = await products.expireHolds();
      if (expired > 0) logger.info({ expired }, 'expired stock holds released');
    },
  });
  const readiness = createReadiness().add('database', () => pingDatabase(pool));

  const app = createServiceApp({
    config,
    logger,
    readiness,
    http: { server: createHttpServer({ logger, metrics, readiness }), port: config.OPS_PORT },
    grpc: { server: grpc, port: config.GRPC_PORT },
    // the watchers first: their streams end, so the gRPC drain that follows is not held open
    background: [watch, sweeper],
    closers: [
      { name: 'token verifier', close: () => verifier.close() },
      ...(cache ? [{ name: 'product cache', close: () => cache.close() }] : []),
      { name: 'database pool', close: () => pool.end() },
    ],
  });
  return { ...app, products, pool, productCache: cache };
}
