#!/usr/bin/env node
// Starts the auth service: config, telemetry, the app, signal handling, then listening on PORT.
// static imports stay light: pg and http must load after tracing starts, or they make no spans
import { startTelemetry } from '@platform/service-kit/telemetry';
import { readConfig } from './config.js';

const config = readConfig();
const telemetry = await startTelemetry('auth', config);
const { createLogger, exitOnFatalErrors, Lifecycle } = await import('@platform/service-kit');
const { buildApp } = await import('./app.js');
const logger = createLogger({ service: 'auth', level: config.LOG_LEVEL });
exitOnFatalErrors(logger);

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
