// The skeleton every service's main.ts hands itself to: config, logger, tracing, then the app (imported only now,
// so pg, grpc and http load after tracing and make spans), signals, listening, and an ordered shutdown with
// telemetry flushed last. Whatever stops the start is logged, flushed, and ends the process with status 1.
// Import it as `@platform/service-kit/run`: this module's own imports stay light (no pg, grpc or http).
import type { Logger } from 'pino';
import type { BaseConfig } from './config.js';
import { exitOnFatalErrors } from './fatal-errors.js';
import { createLogger } from './logger.js';
import type { ServiceApp } from './service-app.js';
import { createShutdown } from './shutdown.js';
import { startTelemetry, type Telemetry } from './telemetry.js';

/** What a service's app.ts exports. */
export interface ServiceModule<Config> {
  buildApp(config: Config, dependencies: { logger: Logger }): Promise<ServiceApp> | ServiceApp;
}

export interface RunServiceOptions<Config extends BaseConfig> {
  /** The service's name: its logs' `service`, its traces' `service.name` (unless OTEL_SERVICE_NAME says otherwise). */
  name: string;
  /** Its config.ts's reader: validates the environment, or exits 1 naming every bad variable. */
  readConfig: () => Config;
  /** Imports its app.ts: `() => import('./app.js')`. Called once tracing has started. */
  app: () => Promise<ServiceModule<NoInfer<Config>>>;
  /** Replaced in tests; defaults to process.exit. */
  exit?: (code: number) => void;
}

/** How long the last log lines may take to reach stdout before the process exits anyway. */
const FLUSH_TIMEOUT_MS = 2_000;

export async function runService<Config extends BaseConfig>(options: RunServiceOptions<Config>): Promise<void> {
  const { name } = options;
  const config = options.readConfig();
  const logger = createLogger({ service: name, level: config.LOG_LEVEL });
  const exit = flushedExit(logger, options.exit ?? ((code) => process.exit(code)));
  exitOnFatalErrors(logger, { exit: options.exit });

  let telemetry: Telemetry;
  try {
    telemetry = await startTelemetry(name, config);
  } catch (error) {
    logger.fatal({ err: error }, `${name} could not start tracing`);
    return exit(1);
  }

  let app: ServiceApp;
  try {
    const { buildApp } = await options.app();
    app = await buildApp(config, { logger });
  } catch (error) {
    logger.fatal({ err: error }, `${name} failed to start`);
    await telemetry.shutdown().catch(() => {});
    return exit(1);
  }

  const shutdown = createShutdown({
    logger,
    readiness: app.readiness,
    timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    drainDelayMs: config.SHUTDOWN_DRAIN_DELAY_MS,
    exit,
    steps: async () => {
      // each failed step has been logged by close(); telemetry goes last so the spans of the shutdown leave too
      const closed = await app.close().then(
        () => true,
        () => false,
      );
      const flushed = await telemetry.shutdown().then(
        () => true,
        (error: unknown) => {
          logger.error({ err: error, closer: 'telemetry' }, 'error while closing');
          return false;
        },
      );
      return closed && flushed;
    },
  }).handleSignals();

  try {
    const ports = await app.listen();
    logger.info({ ...ports, shutdownOrder: [...app.shutdownSteps, 'telemetry'] }, `${name} listening`);
  } catch (error) {
    logger.fatal({ err: error }, `${name} could not listen`);
    await shutdown.run('listen failed', { failure: true });
  }
}

/** Exits once the logger has flushed (or after FLUSH_TIMEOUT_MS), so the last lines are not lost. */
function flushedExit(logger: Logger, exit: (code: number) => void): (code: number) => void {
  return (code) => {
    process.exitCode = code;
    const timer = setTimeout(() => exit(code), FLUSH_TIMEOUT_MS);
    logger.flush(() => {
      clearTimeout(timer);
      exit(code);
    });
  };
}
