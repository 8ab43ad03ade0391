#!/usr/bin/env node
// Starts the load generator: config, telemetry, the ops server, then the shoppers; SIGTERM/SIGINT stop the
// shoppers (in-flight requests finish or are abandoned within half the shutdown budget), then the ops server.
import { startTelemetry } from '@platform/service-kit/telemetry';
import { readConfig } from './config.js';

const config = readConfig();
const telemetry = await startTelemetry('loadgen', config);
const { createLogger, Lifecycle } = await import('@platform/service-kit');
const { buildApp } = await import('./app.js');
const logger = createLogger({ service: 'loadgen', level: config.LOG_LEVEL });
const app = buildApp(config, { logger });

const lifecycle = new Lifecycle({
  logger,
  readiness: app.readiness,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  drainDelayMs: config.SHUTDOWN_DRAIN_DELAY_MS,
}).handleSignals();
// closers run last-registered-first: the shoppers, then the ops server (scrapable until then), then telemetry
lifecycle.onShutdown('telemetry', () => telemetry.shutdown());
lifecycle.onShutdown('ops server', () => app.ops.close());
lifecycle.onShutdown('shoppers', async () => {
  const { abandoned } = await app.driver.stop(Math.floor(config.SHUTDOWN_TIMEOUT_MS / 2));
  logger.info({ abandoned }, abandoned ? 'shoppers stopped; requests in flight abandoned' : 'shoppers stopped');
});
await app.ops.listen({ host: config.HOST, port: config.OPS_PORT });
const address = app.ops.server.address();
logger.info(
  {
    opsPort: typeof address === 'object' && address ? address.port : config.OPS_PORT,
    gateway: config.GATEWAY_URL,
    users: config.LOADGEN_USERS,
    rate: config.LOADGEN_RATE,
    mix: config.mix,
  },
  'loadgen started',
);
app.driver.start();
