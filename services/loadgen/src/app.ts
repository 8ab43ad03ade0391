// Builds the load generator from its config: the shoppers (not started) and the ops HTTP server with /healthz,
// /readyz (the gateway answers) and /metrics (its own request counts and latencies beside the process metrics).
import { createHttpServer, createMetrics, type HttpServer, type Logger, Readiness } from '@platform/service-kit';
import type { Config } from './config.js';
import { createLoadDriver, type LoadDriver } from './load-driver.js';
import { createLoadgenMetrics } from './loadgen.metrics.js';

export const SERVICE_NAME = 'loadgen';

export interface LoadgenApp {
  ops: HttpServer;
  driver: LoadDriver;
  readiness: Readiness;
}

export function buildApp(config: Config, { logger }: { logger: Logger }): LoadgenApp {
  const metrics = createMetrics(SERVICE_NAME);
  const readiness = new Readiness().add('gateway', async () => {
    const response = await fetch(`${config.GATEWAY_URL}/healthz`, { signal: AbortSignal.timeout(1_500) });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`gateway /healthz answered ${response.status}`);
  });
  const ops = createHttpServer({ logger, metrics, readiness });
  const driver = createLoadDriver(config, createLoadgenMetrics(metrics.registry), (error) =>
    logger.error({ err: error }, 'a shopper stopped on an unexpected error'),
  );
  return { ops, driver, readiness };
}
