// The one shape of a built service: its servers, its readiness, the work it does on its own, and what shutdown
// closes, in order. A service's app.ts returns one; main.ts (runService) and the tests start and close it alike.
import type { Logger } from 'pino';
import type { BaseConfig } from './config.js';
import type { GrpcServer } from './grpc-server.js';
import type { HttpServer } from './http-server.js';
import type { Readiness } from './readiness.js';

/**
 * The part of a service's config its app is built from: all but what the skeleton itself reads (logging, tracing,
 * the drain delay), so a test gives only what the app needs.
 */
export type AppConfigOf<Config> = Omit<Config, 'LOG_LEVEL' | 'NODE_ENV' | 'SHUTDOWN_DRAIN_DELAY_MS' | `OTEL_${string}`>;

/** Something shutdown closes: a client, a verifier, a pool. */
export interface Closer {
  readonly name: string;
  close(): Promise<unknown> | unknown;
}

/** Work a service does on its own (a sweeper, a recovery loop, simulated shoppers), beside answering calls. */
export interface BackgroundWork {
  readonly name: string;
  /** Called once the servers listen. */
  start(): void;
  /** Resolves once the work in progress has finished or been abandoned. */
  stop(): Promise<unknown> | unknown;
}

export interface ServiceParts {
  config: Pick<BaseConfig, 'HOST' | 'SHUTDOWN_TIMEOUT_MS'>;
  logger: Logger;
  readiness: Readiness;
  /**
   * The HTTP server, with /healthz, /readyz and /metrics: the service's API on its port (an HTTP service), or the
   * ops server alone on the ops port (a gRPC service).
   */
  http: { server: HttpServer; port: number };
  /** The gRPC API, for a gRPC service. */
  grpc?: { server: GrpcServer; port: number };
  /** Started once the servers listen, stopped first on shutdown, in this order. */
  background?: readonly BackgroundWork[];
  /** Closed after the servers, in this order: what the handlers used (clients, verifiers), then storage. */
  closers?: readonly Closer[];
}

export interface ListeningPorts {
  readonly http: number;
  readonly grpc?: number;
}

export interface ServiceApp {
  readonly readiness: Readiness;
  /** The HTTP server: the API of an HTTP service (tests `inject` into it), the ops server of a gRPC service. */
  readonly http: HttpServer;
  readonly grpc: GrpcServer | undefined;
  /** The names of shutdown's steps, in the order close() runs them. */
  readonly shutdownSteps: readonly string[];
  /** Binds gRPC (if any), then HTTP (port 0: any free port), starts the background work; the bound ports. */
  listen(): Promise<ListeningPorts>;
  /**
   * Shutdown in its one order: readiness 503; background work stops; gRPC health NOT_SERVING while calls in
   * flight finish (within half of SHUTDOWN_TIMEOUT_MS, then they are cancelled); the HTTP server closes once its
   * requests in flight are answered; then each closer, in the declared order. A step that fails is logged and the
   * others still run; the promise then rejects naming the failed steps. Later calls return the same promise.
   */
  close(): Promise<void>;
}

export function createServiceApp(parts: ServiceParts): ServiceApp {
  const { config, logger, readiness, http, grpc, background = [], closers = [] } = parts;
  // the other half of the budget is for the closers, the HTTP server and telemetry after the drain
  const grpcDrainMs = Math.floor(config.SHUTDOWN_TIMEOUT_MS / 2);
  const steps: Closer[] = [
    ...background.map((work) => ({ name: work.name, close: () => work.stop() })),
    ...(grpc ? [{ name: 'grpc', close: () => grpc.server.shutdown(grpcDrainMs) }] : []),
    { name: 'http', close: () => http.server.close() },
    ...closers,
  ];
  let closing: Promise<void> | undefined;

  async function runSteps(): Promise<void> {
    readiness.drain();
    const failed: string[] = [];
    for (const step of steps) {
      try {
        await step.close();
      } catch (error) {
        failed.push(step.name);
        logger.error({ err: error, closer: step.name }, 'error while closing');
      }
    }
    if (failed.length > 0) throw new Error(`could not close ${failed.join(', ')}`);
  }

  return {
    readiness,
    http: http.server,
    grpc: grpc?.server,
    shutdownSteps: steps.map((step) => step.name),
    async listen() {
      const grpcPort = grpc ? await grpc.server.listen(config.HOST, grpc.port) : undefined;
      await http.server.listen({ host: config.HOST, port: http.port });
      const address = http.server.server.address();
      const httpPort = typeof address === 'object' && address ? address.port : http.port;
      for (const work of background) work.start();
      return grpcPort === undefined ? { http: httpPort } : { http: httpPort, grpc: grpcPort };
    },
    close() {
      closing ??= runSteps();
      return closing;
    },
  };
}
