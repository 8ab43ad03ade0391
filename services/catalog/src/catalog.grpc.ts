// The gRPC face of the catalog: maps each CatalogService call to ProductsService and back, checks the caller's
// token for the stock RPCs, and turns domain errors into gRPC statuses here and nowhere else.
import { type handleUnaryCall, type Metadata, type ServerUnaryCall, status } from '@grpc/grpc-js';
import { bearerToken, type JwtVerifier, TokenError, type VerifiedToken } from '@platform/auth-kit';
import type { catalogV1 } from '@platform/contracts';
import { GrpcStatusError, type Logger } from '@platform/service-kit';
import {
  InsufficientStockError,
  InvalidRequestError,
  ProductNotFoundError,
  ReservationConflictError,
  ReservationReleasedError,
  StorageUnavailableError,
} from './products.errors.js';
import type { ProductsService } from './products.service.js';

export interface CatalogHandlersOptions {
  products: ProductsService;
  verifier: JwtVerifier;
  logger: Logger;
}

export function createCatalogHandlers({
  products,
  verifier,
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

  // the stock RPCs act for a user: the caller forwards that user's token and it is checked again here
  const authenticate = (metadata: Metadata): Promise<VerifiedToken> => {
    const [header] = metadata.get('authorization');
    return verifier.verify(bearerToken(typeof header === 'string' ? header : undefined));
  };

  return {
    listProducts: unary(async () => ({ products: await products.listProducts() })),
    getProduct: unary(async (call) => ({ product: await products.getProduct(call.request.id) })),
    reserveStock: unary(async (call) => {
      const user = await authenticate(call.metadata);
      const { reservationId, lines } = call.request;
      return { reservationId, lines: await products.reserveStock(user.subject, reservationId, lines) };
    }),
    releaseStock: unary(async (call) => {
      const user = await authenticate(call.metadata);
      return { released: await products.releaseStock(user.subject, call.request.reservationId) };
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
  if (error instanceof InvalidRequestError) return new GrpcStatusError(status.INVALID_ARGUMENT, error.message);
  if (error instanceof ProductNotFoundError) return new GrpcStatusError(status.NOT_FOUND, error.message);
  if (error instanceof InsufficientStockError || error instanceof ReservationReleasedError) {
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
