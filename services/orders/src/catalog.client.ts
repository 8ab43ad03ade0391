// The one gRPC channel to the catalog: holds, confirms and releases stock as the orders service (its own service
// token in the metadata, never a user's), with a deadline on every call and client metrics, and checks the
// catalog's health over the same channel for readiness.
import { type ClientUnaryCall, credentials, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { catalogV1, healthV1 } from '@platform/contracts';
import { clientChannelOptions, clientMetricsInterceptor, type Metrics } from '@platform/service-kit';
import type { OrderLine } from './orders.types.js';
import { ServiceTokenError, type ServiceTokens } from './service-token.js';

/** What a failed catalog call means to orders; `definite` ones certainly changed nothing in the catalog. */
export type CatalogFailure =
  | 'unknown-product'
  | 'insufficient-stock'
  | 'invalid-request'
  /** ConfirmStock: the hold expired or was released; its stock is back. */
  | 'hold-lost'
  | 'unauthenticated'
  /** No service token could be had, so nothing was sent. */
  | 'no-credentials'
  | 'unavailable'
  | 'timeout'
  | 'unexpected';

export class CatalogError extends Error {
  override readonly name = 'CatalogError';
  constructor(
    readonly failure: CatalogFailure,
    readonly code: status | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
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
  /** Holds the stock, all or nothing, until confirmed or expired; idempotent per reservation id. */
  reserveStock(reservationId: string, lines: readonly OrderLine[]): Promise<ReservedLine[]>;
  /** Makes the hold permanent; rejects with CatalogError('hold-lost') once it expired or was released. */
  confirmStock(reservationId: string): Promise<void>;
  /** Idempotent: true when this call put the stock back, false when it was unknown, expired or released. */
  releaseStock(reservationId: string): Promise<boolean>;
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
  /** The orders service's own token for the catalog. */
  tokens: ServiceTokens;
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
// for ConfirmStock, NOT_FOUND and FAILED_PRECONDITION both mean there is no hold to confirm any more
const CONFIRM_FAILURES: Partial<Record<status, CatalogFailure>> = {
  ...FAILURES,
  [status.NOT_FOUND]: 'hold-lost',
  [status.FAILED_PRECONDITION]: 'hold-lost',
};

const CATALOG_SERVICE = catalogV1.CatalogServiceClient.serviceName;

export function createCatalogClient({ address, deadlineMs, metrics, tokens }: CatalogClientOptions): CatalogClient {
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

  /**
   * One stock call with the service token. A token the catalog refuses (rotated keys, a token revoked early) is
   * dropped and the call made once more with a fresh one: every stock call is idempotent.
   */
  async function asService<T>(
    start: (metadata: Metadata, callback: (error: ServiceError | null, response: T) => void) => ClientUnaryCall,
    failures = FAILURES,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      let token: string;
      try {
        token = await tokens.token();
      } catch (error) {
        const reason = error instanceof ServiceTokenError ? error.reason : 'unavailable';
        throw new CatalogError('no-credentials', undefined, `no service token for catalog (${reason})`, {
          cause: error,
        });
      }
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${token}`);
      try {
        return await unary<T>((callback) => start(metadata, callback), failures);
      } catch (error) {
        if (attempt > 0 || !(error instanceof CatalogError) || error.code !== status.UNAUTHENTICATED) throw error;
        tokens.invalidate(token);
      }
    }
  }

  return {
    async reserveStock(reservationId, lines) {
      const request = { reservationId, lines: lines.map(({ productId, quantity }) => ({ productId, quantity })) };
      const response = await asService<catalogV1.ReserveStockResponse>((metadata, callback) =>
        client.reserveStock(request, metadata, callOptions(), callback),
      );
      return response.lines.map(({ productId, quantity, unitPriceCents, currency }) => ({
        productId,
        quantity,
        unitPriceCents,
        currency,
      }));
    },
    async confirmStock(reservationId) {
      await asService<catalogV1.ConfirmStockResponse>(
        (metadata, callback) => client.confirmStock({ reservationId }, metadata, callOptions(), callback),
        CONFIRM_FAILURES,
      );
    },
    async releaseStock(reservationId) {
      const response = await asService<catalogV1.ReleaseStockResponse>((metadata, callback) =>
        client.releaseStock({ reservationId }, metadata, callOptions(), callback),
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

function unary<T>(
  start: (callback: (error: ServiceError | null, response: T) => void) => ClientUnaryCall,
  failures = FAILURES,
) {
  return new Promise<T>((resolve, reject) => {
    start((error, response) => (error ? reject(toCatalogError(error, failures)) : resolve(response)));
  });
}

function toCatalogError(error: ServiceError, failures: Partial<Record<status, CatalogFailure>>): CatalogError {
  const failure = failures[error.code as status] ?? 'unexpected';
  return new CatalogError(failure, error.code, `catalog: ${status[error.code] ?? error.code}: ${error.details}`);
}
