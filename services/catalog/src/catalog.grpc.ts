// The gRPC face of the catalog: maps each CatalogService call to ProductsService and back, lets only the allowed
// stock clients (the orders service, by its service token) call the stock RPCs, and turns domain errors into gRPC
// statuses here and nowhere else.
import { type handleUnaryCall, type Metadata, type ServerUnaryCall, status } from '@grpc/grpc-js';
import { authenticateGrpcCaller, CallerNotAllowedError, type JwtVerifier, TokenError } from '@platform/auth-kit';
import type { catalogV1 } from '@platform/contracts';
import { GrpcStatusError, type Logger } from '@platform/service-kit';
import {
  InsufficientStockError,
  InvalidRequestError,
  ProductNotFoundError,
  ReservationConflictError,
  ReservationExpiredError,
  ReservationNotFoundError,
  ReservationReleasedError,
  StorageUnavailableError,
} from './products.errors.js';
import type { ProductsService } from './products.service.js';

export interface CatalogHandlersOptions {
  products: ProductsService;
  /** Verifies service tokens: the auth service's JWKS, audience SERVICE_TOKEN_AUDIENCE. */
  verifier: JwtVerifier;
  /** OAuth clients that may change stock (STOCK_CLIENTS). */
  stockClients: readonly string[];
  logger: Logger;
}

export function createCatalogHandlers({
  products,
  verifier,
  stockClients,
  logger,
}: CatalogHandlersOptions): catalogV1.CatalogServiceServer {
  const unary =
    <Request, Response>(handle: (call: ServerUnaryCall<Request, Response>) => Promise<Response>) =>
    (call: ServerUnaryCall<Request, Response>, callback: Parameters<handleUnaryCall<Request, Response>>[1]) => {
      handle(call).then(
        (response) => callback(null, response),
        (error: unknown) => callback(toStatusError(error, logger)),
      );
    };

  // stock changes only for the services allowed to make them, proven by a token a user's token cannot stand in for
  const stockClient = async (metadata: Metadata): Promise<string> => {
    const { clientId } = await authenticateGrpcCaller(metadata, { verifier, allowedClients: stockClients });
    return clientId!; // with allowedClients, an accepted caller always has one
  };

  return {
    listProducts: unary(async () => ({ products: await products.listProducts() })),
    getProduct: unary(async (call) => ({ product: await products.getProduct(call.request.id) })),
    reserveStock: unary(async (call) => {
      const client = await stockClient(call.metadata);
      const { reservationId, lines } = call.request;
      const hold = await products.reserveStock(client, reservationId, lines);
      return { reservationId, lines: hold.lines, expiresAt: hold.expiresAt };
    }),
    confirmStock: unary(async (call) => {
      await stockClient(call.metadata);
      return { confirmed: await products.confirmStock(call.request.reservationId) };
    }),
    releaseStock: unary(async (call) => {
      const client = await stockClient(call.metadata);
      return { released: await products.releaseStock(client, call.request.reservationId) };
    }),
  };
}

/** Domain errors to the status codes catalog.proto documents; anything unexpected is INTERNAL, without details. */
function toStatusError(error: unknown, logger: Logger): GrpcStatusError {
  if (error instanceof TokenError) {
    // a missing JWKS is the platform's fault, not the caller's: worth an error line
    if (error.reason === 'jwks-unavailable') logger.error({ err: error }, 'cannot verify tokens: JWKS unavailable');
    return new GrpcStatusError(status.UNAUTHENTICATED, error.message);
  }
  if (error instanceof CallerNotAllowedError) {
    logger.warn({ clientId: error.clientId }, 'a client that may not change stock tried to');
    return new GrpcStatusError(status.PERMISSION_DENIED, error.message);
  }
  if (error instanceof InvalidRequestError) return new GrpcStatusError(status.INVALID_ARGUMENT, error.message);
  if (error instanceof ProductNotFoundError || error instanceof ReservationNotFoundError) {
    return new GrpcStatusError(status.NOT_FOUND, error.message);
  }
  if (
    error instanceof InsufficientStockError ||
    error instanceof ReservationReleasedError ||
    error instanceof ReservationExpiredError
  ) {
    return new GrpcStatusError(status.FAILED_PRECONDITION, error.message);
  }
  if (error instanceof ReservationConflictError) return new GrpcStatusError(status.ALREADY_EXISTS, error.message);
  if (error instanceof StorageUnavailableError) {
    logger.warn({ err: error }, 'database unavailable');
    return new GrpcStatusError(status.UNAVAILABLE, 'catalog storage is unavailable; retry with backoff');
  }
  logger.error({ err: error }, 'unexpected error');
  return new GrpcStatusError(status.INTERNAL, 'internal error');
}
