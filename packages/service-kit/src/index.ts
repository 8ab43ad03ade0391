// @platform/service-kit: what every service of the platform shares.
export {
  type BaseConfig,
  baseConfigProperties,
  ConfigError,
  configOrExit,
  loadConfig,
  loadConfigOrExit,
  portProperty,
} from './config.js';
export { createPool, inTransaction, type Pool, type PoolClient, type PoolOptions, pingDatabase } from './database.js';
export {
  type BearerErrorCode,
  DomainError,
  type DomainErrorOptions,
  FAILURE_KINDS,
  type Failure,
  type FailureKind,
  failureOf,
} from './domain-error.js';
export {
  classifyFailure,
  failureFromGrpc,
  grpcCodeOf,
  grpcStatusOf,
  httpStatusOf,
  isGrpcServiceError,
  problemOf,
} from './failure-statuses.js';
export { exitOnFatalErrors, type FatalErrorOptions } from './fatal-errors.js';
export { clientChannelOptions, clientMetricsInterceptor, clientServiceConfig } from './grpc-client.js';
export {
  createGrpcServer,
  type GrpcServer,
  type GrpcServerOptions,
  GrpcStatusError,
  grpcCodeName,
  splitGrpcPath,
} from './grpc-server.js';
export { grpcUnary, type UnaryMethod } from './grpc-unary.js';
export {
  BODY_LIMIT_BYTES,
  createHttpServer,
  DEFAULT_HTTP_TIMEOUTS,
  type HttpServer,
  type HttpServerOptions,
  type HttpTimeouts,
  REQUEST_ID_HEADER,
  toProblem,
} from './http-server.js';
export { MAX_JSON_DEPTH } from './json-body.js';
export { createLogger, type Logger, type LoggerOptions } from './logger.js';
export { createMetrics, type Metrics } from './metrics.js';
export { createMigratedPool, type MigrateOptions, type Migration, migrate } from './migrations.js';
export { createPeriodicWork, type PeriodicWorkOptions } from './periodic-work.js';
export { HttpProblem, PROBLEM_CONTENT_TYPE, type ProblemBody, problemSchema } from './problem.js';
export {
  createReadiness,
  type Readiness,
  type ReadinessCheck,
  type ReadinessCheckOptions,
  type ReadinessReport,
} from './readiness.js';
export { DEFAULT_CACHE_CONTROL, SECURITY_HEADERS } from './security-headers.js';
export {
  type AppConfigOf,
  type BackgroundWork,
  type Closer,
  createServiceApp,
  type ListeningPorts,
  type ServiceApp,
  type ServiceParts,
} from './service-app.js';
export { createShutdown, type Shutdown, type ShutdownOptions } from './shutdown.js';
export { isStorageUnavailable, STORAGE_RETRY_AFTER_SECONDS, storageUnavailable } from './storage-unavailable.js';
export { startTelemetry, type Telemetry } from './telemetry.js';
export { trustedProxies } from './trusted-proxies.js';
