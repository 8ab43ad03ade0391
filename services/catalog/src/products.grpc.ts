// The gRPC face of the catalog: maps each CatalogService call to the products service and back, and lets only the
// allowed stock clients (the orders service, by its service token) call the stock RPCs. Refusals become statuses in
// service-kit's one mapping (grpcUnary), not here.
import type { Metadata } from '@grpc/grpc-js';
import { authenticateGrpcCaller, CallerNotAllowedError, type JwtVerifier } from '@platform/auth-kit';
import type { catalogV1 } from '@platform/contracts';
import { grpcUnary, type Logger } from '@platform/service-kit';
import type { ProductWatch } from './product-watch.js';
import type { ProductsService } from './products.service.js';

export interface ProductsGrpcOptions {
  products: ProductsService;
  /** Verifies service tokens: the auth service's JWKS, audience SERVICE_TOKEN_AUDIENCE. */
  verifier: JwtVerifier;
  /** OAuth clients that may change stock (STOCK_CLIENTS). */
  stockClients: readonly string[];
  /** WatchProducts' streams. */
  watch: Pick<ProductWatch, 'handle'>;
  logger: Logger;
}

export function createProductsGrpc({
  products,
  verifier,
  stockClients,
  watch,
  logger,
}: ProductsGrpcOptions): catalogV1.CatalogServiceServer {
  const unary = grpcUnary(logger);

  // stock changes only for the services allowed to make them, proven by a token a user's token cannot stand in for
  const stockClient = async (metadata: Metadata): Promise<string> => {
    try {
      const { clientId } = await authenticateGrpcCaller(metadata, { verifier, allowedClients: stockClients });
      return clientId!; // with allowedClients, an accepted caller always has one
    } catch (error) {
      if (error instanceof CallerNotAllowedError) {
        logger.warn({ clientId: error.clientId }, 'a client that may not change stock tried to');
      }
      throw error;
    }
  };

  return {
    listProducts: unary(async () => ({ products: await products.listProducts() })),
    getProduct: unary(async (call) => ({ product: await products.getProduct(call.request.id) })),
    watchProducts: (call) => watch.handle(call),
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
