#!/usr/bin/env node
// Starts the storefront: config, telemetry, then the app (imported after telemetry so http and pg are
// instrumented), graceful shutdown, and the listener on PORT.
// static imports stay light: http and pg must load after tracing starts, or they make no spans
import { startTelemetry } from '@platform/service-kit/telemetry';
import { readConfig } from './config.js';

const config = readConfig();
const telemetry = await startTelemetry('storefront', config);
const { createLogger, Lifecycle } = await import('@platform/service-kit');
const { buildApp } = await import('./app.js');
const logger = createLogger({ service: 'storefront', level: config.LOG_LEVEL });

let app: Awaited<ReturnType<typeof buildApp>>;
try {
  app = await buildApp(config, { logger });
} catch (error) {
  logger.fatal({ err: error }, 'storefront failed to start');
  await telemetry.shutdown();
  process.exit(1);
}

const lifecycle = new Lifecycle({
  logger,
  readiness: app.readiness,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  drainDelayMs: config.SHUTDOWN_DRAIN_DELAY_MS,
}).handleSignals();
// closers run last-registered-first: the HTTP server (in-flight pages finish, then the pool closes with it), then
// telemetry, which flushes the last spans
lifecycle.onShutdown('telemetry', () => telemetry.shutdown());
lifecycle.onShutdown('http', () => app.close());
await app.listen({ host: config.HOST, port: config.PORT });
