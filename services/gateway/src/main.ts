// Starts the gateway: config, telemetry, then the app (imported after telemetry so http and grpc are
// instrumented), graceful shutdown, and the listener on PORT.
// static imports stay light: grpc and http must load after tracing starts, or they make no spans
import { startTelemetry } from '@platform/service-kit/telemetry';
import { readConfig } from './config.js';

const config = readConfig();
const telemetry = await startTelemetry('gateway', config);
const { createLogger, exitOnFatalErrors, Lifecycle } = await import('@platform/service-kit');
const { buildApp } = await import('./app.js');
const logger = createLogger({ service: 'gateway', level: config.LOG_LEVEL });
exitOnFatalErrors(logger);
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
