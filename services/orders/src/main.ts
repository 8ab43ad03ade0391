// Starts the orders service: config, telemetry, then the app, with graceful shutdown on SIGTERM/SIGINT.
// static imports stay light: pg, @grpc/grpc-js and http must load after tracing starts, or they make no spans
import { startTelemetry } from '@platform/service-kit/telemetry';
import { readConfig } from './config.js';

const config = readConfig();
const telemetry = await startTelemetry('orders', config);
const { createLogger, exitOnFatalErrors, Lifecycle } = await import('@platform/service-kit');
const { buildApp } = await import('./app.js'); // imported after telemetry so pg, grpc and http are instrumented
const logger = createLogger({ service: 'orders', level: config.LOG_LEVEL });
exitOnFatalErrors(logger);

let app: Awaited<ReturnType<typeof buildApp>>;
try {
  app = await buildApp(config, { logger });
} catch (error) {
  logger.fatal({ err: error }, 'orders could not start');
  await telemetry.shutdown();
  process.exit(1);
}

const lifecycle = new Lifecycle({
  logger,
  readiness: app.readiness,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  drainDelayMs: config.SHUTDOWN_DRAIN_DELAY_MS,
}).handleSignals();
lifecycle.onShutdown('telemetry', () => telemetry.shutdown());
// the Lifecycle runs closers last-registered-first: register in reverse so they close in the app's order
for (const { name, close } of [...app.closers].reverse()) lifecycle.onShutdown(name, close);

try {
  await app.listen();
} catch (error) {
  logger.fatal({ err: error }, 'orders could not listen');
  await app.close().catch(() => {});
  await telemetry.shutdown();
  process.exit(1);
}
