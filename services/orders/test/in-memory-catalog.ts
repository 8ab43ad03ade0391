// A real grpc-js CatalogService with in-memory stock, implementing the catalog proto's rules (all-or-nothing,
// idempotent per reservation id, prices at reservation time), so orders is tested over the wire against its
// dependency's contract. The real catalog is exercised by the platform's end-to-end suite.
import { randomUUID } from 'node:crypto';
import { type handleUnaryCall, type Metadata, status } from '@grpc/grpc-js';
import { catalogV1 } from '@platform/contracts';
import { createGrpcServer, createLogger, createMetrics, type GrpcServer, GrpcStatusError } from '@platform/service-kit';

interface Product {
  priceCents: number;
  currency: string;
  stock: number;
}

interface Reservation {
  lines: catalogV1.ReservedLine[];
  released: boolean;
}

export interface InMemoryCatalog {
  readonly address: string;
  readonly products: Map<string, Product>;
  readonly reservations: Map<string, Reservation>;
  /** Every `authorization` value a stock call carried, in order. */
  readonly authorizations: string[];
  /** true: ReserveStock applies the reservation, then never answers; ReleaseStock never answers. */
  hang: boolean;
  /** Codes the next ReserveStock calls fail with, before touching any stock. */
  readonly failReserveWith: status[];
  addProduct(product: Partial<Product>): string;
  stockOf(productId: string): number;
  /** Stops serving (the port is free); start() serves again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function startInMemoryCatalog(port = 0): Promise<InMemoryCatalog> {
  const products = new Map<string, Product>();
  const reservations = new Map<string, Reservation>();
  const authorizations: string[] = [];
  const failReserveWith: status[] = [];

  const authorize = (metadata: Metadata) => {
    const [value] = metadata.get('authorization');
    if (typeof value !== 'string' || !value.startsWith('Bearer ')) {
      throw new GrpcStatusError(status.UNAUTHENTICATED, 'A bearer token is required');
    }
    authorizations.push(value);
  };

  const reserve = ({ reservationId, lines }: catalogV1.ReserveStockRequest): catalogV1.ReserveStockResponse => {
    if (!reservationId || lines.length === 0) throw new GrpcStatusError(status.INVALID_ARGUMENT, 'bad request');
    if (new Set(lines.map((line) => line.productId)).size !== lines.length) {
      throw new GrpcStatusError(status.INVALID_ARGUMENT, 'a product appears twice');
    }
    const earlier = reservations.get(reservationId);
    if (earlier) {
      if (earlier.released) throw new GrpcStatusError(status.FAILED_PRECONDITION, 'reservation released');
      const same =
        earlier.lines.length === lines.length &&
        earlier.lines.every(
          (line, i) => line.productId === lines[i]?.productId && line.quantity === lines[i]?.quantity,
        );
      if (!same) throw new GrpcStatusError(status.ALREADY_EXISTS, 'reservation id used with other lines');
      return { reservationId, lines: earlier.lines };
    }
    for (const line of lines) {
      const product = products.get(line.productId);
      if (!product) throw new GrpcStatusError(status.NOT_FOUND, `no product ${line.productId}`);
      if (line.quantity < 1) throw new GrpcStatusError(status.INVALID_ARGUMENT, 'quantity below 1');
      if (product.stock < line.quantity) throw new GrpcStatusError(status.FAILED_PRECONDITION, 'not enough stock');
    }
    const reserved = lines.map(({ productId, quantity }) => {
      const product = products.get(productId) as Product;
      product.stock -= quantity;
      return { productId, quantity, unitPriceCents: product.priceCents, currency: product.currency };
    });
    reservations.set(reservationId, { lines: reserved, released: false });
    return { reservationId, lines: reserved };
  };

  const reserveStock: handleUnaryCall<catalogV1.ReserveStockRequest, catalogV1.ReserveStockResponse> = (
    call,
    callback,
  ) => {
    try {
      authorize(call.metadata);
      const failure = catalog.failReserveWith.shift();
      if (failure !== undefined) throw new GrpcStatusError(failure, 'injected failure');
      const response = reserve(call.request);
      if (!catalog.hang) callback(null, response);
    } catch (error) {
      callback(error as GrpcStatusError);
    }
  };

  const releaseStock: handleUnaryCall<catalogV1.ReleaseStockRequest, catalogV1.ReleaseStockResponse> = (
    call,
    callback,
  ) => {
    try {
      authorize(call.metadata);
      if (catalog.hang) return;
      const reservation = reservations.get(call.request.reservationId);
      if (!reservation || reservation.released) return callback(null, { released: false });
      for (const line of reservation.lines) {
        const product = products.get(line.productId);
        if (product) product.stock += line.quantity;
      }
      reservation.released = true;
      callback(null, { released: true });
    } catch (error) {
      callback(error as GrpcStatusError);
    }
  };

  const implementation: catalogV1.CatalogServiceServer = {
    listProducts: (_call, callback) => callback(new GrpcStatusError(status.UNIMPLEMENTED, 'not used by orders')),
    getProduct: (_call, callback) => callback(new GrpcStatusError(status.UNIMPLEMENTED, 'not used by orders')),
    reserveStock,
    releaseStock,
  };

  let server: GrpcServer | undefined;
  let boundPort = port;
  const start = async () => {
    server = createGrpcServer({
      logger: createLogger({ service: 'catalog', level: 'silent' }),
      metrics: createMetrics('catalog'),
    });
    server.addService(catalogV1.CatalogServiceClient.serviceName, catalogV1.CatalogServiceService, implementation);
    boundPort = await server.listen('127.0.0.1', boundPort);
  };
  await start();

  const catalog: InMemoryCatalog = {
    address: `127.0.0.1:${boundPort}`,
    products,
    reservations,
    authorizations,
    hang: false,
    failReserveWith,
    addProduct({ priceCents = 1_000, currency = 'EUR', stock = 10 } = {}) {
      const id = randomUUID();
      products.set(id, { priceCents, currency, stock });
      return id;
    },
    stockOf(productId) {
      const product = products.get(productId);
      if (!product) throw new Error(`no product ${productId}`);
      return product.stock;
    },
    async stop() {
      // hanging calls are cancelled rather than waited for
      await server?.shutdown(100);
      server = undefined;
    },
    start,
  };
  return catalog;
}
