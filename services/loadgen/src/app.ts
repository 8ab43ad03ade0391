// Builds the load generator from its config: the shoppers (background work, started once the ops server listens)
// and the ops HTTP server with /healthz, /readyz (the gateway answers) and /metrics (its own request counts and
// latencies beside the process metrics), as service-kit's ServiceApp. Importing it starts nothing.
import {
  createHttpServer,
  createMetrics,
  createReadiness,
  createServiceApp,
  type Logger,
  type ServiceApp,
} from '@platform/service-kit';
import type { Config } from './config.js';
import { createLoadDriver } from './load-driver.js';
import { createLoadgenMetrics } from './loadgen.metrics.js';

export const SERVICE_NAME = 'loadgen';

export function buildApp(config: Config, { logger }: { logger: Logger }): ServiceApp {
  const metrics = createMetrics(SERVICE_NAME);
  const readiness = createReadiness().add('gateway', async () => {
    const response = await fetch(`${config.GATEWAY_URL}/healthz`, { signal: AbortSignal.timeout(1_500) });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`gateway /healthz answered ${response.status}`);
  });
  const driver = createLoadDriver(config, createLoadgenMetrics(metrics.registry), (error) =>
    logger.error({ err: error }, 'a shopper stopped on an unexpected error'),
  );
  logger.info(
    { gateway: config.GATEWAY_URL, users: config.LOADGEN_USERS, rate: config.LOADGEN_RATE, mix: config.mix },
    'shoppers ready to start',
  );
  return createServiceApp({
    config,
    logger,
    readiness,
    http: { server: createHttpServer({ logger, metrics, readiness }), port: config.OPS_PORT },
    background: [
      {
        name: 'shoppers',
        start: () => driver.start(),
        // requests in flight get half the shutdown budget to finish, then they are abandoned
        stop: async () => {
          const { abandoned } = await driver.stop(Math.floor(config.SHUTDOWN_TIMEOUT_MS / 2));
          logger.info({ abandoned }, abandoned ? 'shoppers stopped; requests in flight abandoned' : 'shoppers stopped');
        },
      },
    ],
  });
}
