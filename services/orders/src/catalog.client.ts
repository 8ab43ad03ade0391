// The one gRPC channel to the catalog: reserves and releases stock for the caller (forwarding their token), with a
// deadline on every call and client metrics, and checks the catalog's health over the same channel for readiness.
import { type ClientUnaryCall, credentials, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { catalogV1, healthV1 } from '@platform/contracts';
import { clientChannelOptions, clientMetricsInterceptor, type Metrics } from '@platform/service-kit';
import type { OrderLine } from './order.js';

/** What a failed catalog call means to orders; `definite` ones left nothing reserved. */
export type CatalogFailure =
  | 'unknown-product'
  | 'insufficient-stock'
  | 'invalid-request'
  | 'unauthenticated'
  | 'unavailable'
  | 'timeout'
  | 'unexpected';

export class CatalogError extends Error {
  override readonly name = 'CatalogError';
  constructor(
    readonly failure: CatalogFailure,
    readonly code: status,
    message: string,
  ) {
    super(message);
  }

  /** The catalog certainly changed nothing: its answer was a refusal, not a lost or broken call. */
  get definite(): boolean {
    return !['unavailable', 'timeout', 'unexpected'].includes(this.failure);
  }
}

export interface ReservedLine extends OrderLine {
  unitPriceCents: number;
  currency: string;
}

/** The stock operations the orders service needs; the test suites run a real catalog server behind it. */
export interface StockCatalog {
  /** All or nothing; idempotent per reservation id. Rejects with CatalogError. */
  reserveStock(reservationId: string, lines: readonly OrderLine[], token: string): Promise<ReservedLine[]>;
  /** Idempotent: true when this call put the stock back, false when the reservation was unknown or released. */
  releaseStock(reservationId: string, token: string): Promise<boolean>;
}

export interface CatalogClient extends StockCatalog {
  /** Resolves when the catalog answers grpc.health.v1 Check with SERVING; for readiness. */
  checkHealth(): Promise<void>;
  close(): void;
}

export interface CatalogClientOptions {
  address: string;
  deadlineMs: number;
  metrics: Metrics;
}

const FAILURES: Partial<Record<status, CatalogFailure>> = {
  [status.NOT_FOUND]: 'unknown-product',
  [status.FAILED_PRECONDITION]: 'insufficient-stock',
  [status.INVALID_ARGUMENT]: 'invalid-request',
  [status.UNAUTHENTICATED]: 'unauthenticated',
  [status.PERMISSION_DENIED]: 'unauthenticated',
  [status.UNAVAILABLE]: 'unavailable',
  [status.CANCELLED]: 'unavailable',
  [status.RESOURCE_EXHAUSTED]: 'unavailable',
  [status.DEADLINE_EXCEEDED]: 'timeout',
};

const CATALOG_SERVICE = catalogV1.CatalogServiceClient.serviceName;

export function createCatalogClient({ address, deadlineMs, metrics }: CatalogClientOptions): CatalogClient {
  // created once and reused: grpc-js multiplexes every call over this channel and reconnects it when needed
  const client = new catalogV1.CatalogServiceClient(address, credentials.createInsecure(), {
    ...clientChannelOptions,
    interceptors: [clientMetricsInterceptor(metrics)],
  });
  const health = new healthV1.HealthClient(address, credentials.createInsecure(), {
    channelOverride: client.getChannel(),
    interceptors: [clientMetricsInterceptor(metrics)],
  });

  const callOptions = () => ({ deadline: Date.now() + deadlineMs });
  const withToken = (token: string) => {
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    return metadata;
  };

  return {
    async reserveStock(reservationId, lines, token) {
      const response = await unary<catalogV1.ReserveStockResponse>((callback) =>
        client.reserveStock(
          { reservationId, lines: lines.map(({ productId, quantity }) => ({ productId, quantity })) },
          withToken(token),
          callOptions(),
          callback,
        ),
      );
      return response.lines.map(({ productId, quantity, unitPriceCents, currency }) => ({
        productId,
        quantity,
        unitPriceCents,
        currency,
      }));
    },
    async releaseStock(reservationId, token) {
      const response = await unary<catalogV1.ReleaseStockResponse>((callback) =>
        client.releaseStock({ reservationId }, withToken(token), callOptions(), callback),
      );
      return response.released;
    },
    async checkHealth() {
      const response = await unary<healthV1.HealthCheckResponse>((callback) =>
        health.check({ service: CATALOG_SERVICE }, new Metadata(), callOptions(), callback),
      );
      if (response.status !== healthV1.HealthCheckResponse_ServingStatus.SERVING) {
        throw new Error(`catalog is ${healthV1.healthCheckResponse_ServingStatusToJSON(response.status)}`);
      }
    },
    close() {
      health.close();
      client.close();
    },
  };
}

function unary<T>(start: (callback: (error: ServiceError | null, response: T) => void) => ClientUnaryCall) {
  return new Promise<T>((resolve, reject) => {
    start((error, response) => (error ? reject(toCatalogError(error)) : resolve(response)));
  });
}

function toCatalogError(error: ServiceError): CatalogError {
  const failure = FAILURES[error.code as status] ?? 'unexpected';
  return new CatalogError(failure, error.code, `catalog: ${status[error.code] ?? error.code}: ${error.details}`);
}
