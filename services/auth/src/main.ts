#!/usr/bin/env node
// Starts the auth service: config, telemetry, the app, signal handling, then listening on PORT.
import { createLogger, Lifecycle, startTelemetry } from '@platform/service-kit';
import { readConfig } from './config.js';

const config = readConfig();
const telemetry = await startTelemetry('auth', config);
const { buildApp } = await import('./app.js'); // after telemetry, so http and pg are instrumented
const logger = createLogger({ service: 'auth', level: config.LOG_LEVEL });

try {
  const app = await buildApp(config, { logger });
  const lifecycle = new Lifecycle({
    logger,
    readiness: app.readiness,
    timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    drainDelayMs: config.SHUTDOWN_DRAIN_DELAY_MS,
  }).handleSignals();
  lifecycle.onShutdown('telemetry', () => telemetry.shutdown());
  lifecycle.onShutdown('http', () => app.close());
  await app.listen({ host: config.HOST, port: config.PORT });
} catch (error) {
  logger.fatal({ err: error }, 'auth failed to start');
  await telemetry.shutdown().catch(() => {});
  process.exit(1);
}
