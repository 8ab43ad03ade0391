#!/usr/bin/env node
// Starts the catalog service: config, tracing, then the app; SIGTERM/SIGINT drain it. The only module that listens.
// static imports stay light: pg, @grpc/grpc-js and http must load after tracing starts, or they make no spans
import { startTelemetry } from '@platform/service-kit/telemetry';
import { readConfig } from './config.js';

const config = readConfig();
const telemetry = await startTelemetry('catalog', config);
const { createLogger, exitOnFatalErrors, Lifecycle } = await import('@platform/service-kit');
// imported after telemetry starts, so grpc, http and pg are instrumented
const { buildApp } = await import('./app.js');
const logger = createLogger({ service: 'catalog', level: config.LOG_LEVEL });
exitOnFatalErrors(logger);

let app: Awaited<ReturnType<typeof buildApp>>;
try {
  app = await buildApp(config, { logger });
} catch (error) {
  logger.fatal({ err: error }, 'catalog failed to start');
  await telemetry.shutdown();
  process.exit(1);
}

let listenFailed = false;
const lifecycle = new Lifecycle({
  logger,
  readiness: app.readiness,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  drainDelayMs: config.SHUTDOWN_DRAIN_DELAY_MS,
  exit: (code) => process.exit(listenFailed ? 1 : code),
}).handleSignals();
// closers run last-registered-first: the gRPC drain (health NOT_SERVING at once, in-flight calls finish), then the
// ops server (answering /readyz 503 until then), the hold sweeper, the pool, and finally telemetry, which flushes
// the last spans
lifecycle.onShutdown('telemetry', () => telemetry.shutdown());
lifecycle.onShutdown('database pool', () => app.pool.end());
lifecycle.onShutdown('stock hold sweeper', () => app.sweeper.stop());
lifecycle.onShutdown('ops server', () => app.ops.close());
lifecycle.onShutdown('grpc', () => app.grpc.shutdown(app.drainDeadlineMs));

try {
  await app.listen();
} catch (error) {
  logger.fatal({ err: error }, 'catalog could not listen');
  listenFailed = true;
  await lifecycle.shutdown('listen failed');
}
