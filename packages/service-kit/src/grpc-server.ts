// The gRPC server factory: standard grpc.health.v1 (NOT_SERVING once shutdown begins), a metrics-and-logging
// interceptor on every call, and a drain that lets in-flight calls finish before the deadline forces the close.
import {
  status as GrpcStatus,
  Server,
  ServerCredentials,
  ServerInterceptingCall,
  type ServerInterceptor,
  type ServiceDefinition,
  type StatusObject,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';

export { GrpcStatusError } from './grpc-status-error.js';

export interface GrpcServerOptions {
  logger: Logger;
  metrics: Metrics;
}

export interface GrpcServer {
  readonly server: Server;
  /** Adds a service and marks it SERVING in the health service once the server listens. */
  addService(name: string, definition: ServiceDefinition, implementation: UntypedServiceImplementation): void;
  /** Binds to host:port (0 = any free port) and returns the bound port. */
  listen(host: string, port: number): Promise<number>;
  /** Health turns NOT_SERVING, in-flight calls may finish until deadlineMs, then the server is forced closed. */
  shutdown(deadlineMs: number): Promise<void>;
}

/** Splits '/platform.catalog.v1.CatalogService/GetProduct' into its service and method. */
export function splitGrpcPath(path: string): { grpc_service: string; grpc_method: string } {
  const [, service = 'unknown', method = 'unknown'] = path.split('/');
  return { grpc_service: service, grpc_method: method };
}

export const grpcCodeName = (code: number): string => GrpcStatus[code] ?? String(code);

type PartialStatusObject = Pick<StatusObject, 'code' | 'details'> & { metadata?: StatusObject['metadata'] | null };

function observingInterceptor(logger: Logger, metrics: Metrics): ServerInterceptor {
  return (methodDescriptor, call) => {
    const started = process.hrtime.bigint();
    const labels = splitGrpcPath(methodDescriptor.path);
    const isHealth = labels.grpc_service === 'grpc.health.v1.Health';
    return new ServerInterceptingCall(call, {
      sendStatus(status: PartialStatusObject, next: (status: PartialStatusObject) => void) {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const code = grpcCodeName(status.code);
        metrics.observeGrpcServer({ ...labels, grpc_code: code }, seconds);
        if (!isHealth) {
          const failed = status.code === GrpcStatus.INTERNAL || status.code === GrpcStatus.UNKNOWN;
          // the line is built only when it will be written: at LOG_LEVEL=warn it showed in the read path's profile
          if (failed || logger.isLevelEnabled('info')) {
            const line = { ...labels, grpcCode: code, ms: Math.round(seconds * 1000) };
            if (failed) logger.error({ ...line, detail: status.details }, 'call failed');
            else logger.info(line, 'call completed');
          }
        }
        next(status);
      },
    });
  };
}

export function createGrpcServer({ logger, metrics }: GrpcServerOptions): GrpcServer {
  const server = new Server({
    interceptors: [observingInterceptor(logger, metrics)],
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.max_receive_message_length': 4 * 1024 * 1024,
  });
  const health = new HealthImplementation({ '': 'NOT_SERVING' });
  health.addToServer(server);
  const services: string[] = [];

  return {
    server,
    addService(name, definition, implementation) {
      server.addService(definition, implementation);
      services.push(name);
      health.setStatus(name, 'NOT_SERVING');
    },
    listen(host, port) {
      return new Promise((resolve, reject) => {
        server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (error, bound) => {
          if (error) return reject(error);
          for (const name of ['', ...services]) health.setStatus(name, 'SERVING');
          resolve(bound);
        });
      });
    },
    async shutdown(deadlineMs) {
      for (const name of ['', ...services]) health.setStatus(name, 'NOT_SERVING');
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          logger.warn({ deadlineMs }, 'gRPC drain deadline passed: cancelling remaining calls');
          server.forceShutdown();
          resolve();
        }, deadlineMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}
