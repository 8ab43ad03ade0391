// A real grpc-js CatalogService with in-memory stock, implementing the catalog proto's rules (holds, confirmation,
// release, all-or-nothing, idempotent per reservation id, prices at reservation time) and its caller check (the
// orders service's token, verified with auth-kit as the real catalog does), so orders is tested over the wire
// against its dependency's contract. The real catalog is exercised by the platform's end-to-end suite.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type handleUnaryCall, type Metadata, status } from '@grpc/grpc-js';
import { authenticateGrpcCaller, CallerNotAllowedError, createJwtVerifier } from '@platform/auth-kit';
import type { TestIssuer } from '@platform/auth-kit/testing';
import { catalogV1 } from '@platform/contracts';
import { createGrpcServer, createLogger, createMetrics, type GrpcServer, GrpcStatusError } from '@platform/service-kit';

interface Product {
  priceCents: number;
  currency: string;
  stock: number;
}

export type HoldState = 'held' | 'confirmed' | 'released' | 'expired';

interface Reservation {
  lines: catalogV1.ReservedLine[];
  state: HoldState;
}

export interface InMemoryCatalog {
  readonly address: string;
  readonly products: Map<string, Product>;
  readonly reservations: Map<string, Reservation>;
  /** Every `authorization` value a stock call carried, in order. */
  readonly authorizations: string[];
  /** Every stock call that got past the caller check, as `<method> <reservation id>`, in order. */
  readonly calls: string[];
  /** true: ReserveStock applies the hold, then never answers; ConfirmStock and ReleaseStock never answer. */
  hang: boolean;
  /** Codes the next ReserveStock calls fail with, before touching any stock. */
  readonly failReserveWith: status[];
  /** Codes the next ConfirmStock calls fail with, before confirming. */
  readonly failConfirmWith: status[];
  /** How many of the next stock calls answer UNAUTHENTICATED whatever their token (a rotated key, say). */
  rejectTokens: number;
  /** ConfirmStock applies at once but answers this much later. */
  confirmDelayMs: number;
  addProduct(product: Partial<Product>): string;
  stockOf(productId: string): number;
  stateOf(reservationId: string): HoldState | undefined;
  /** A hold past its expiry: its stock back, as the real catalog's sweeper does. */
  expire(reservationId: string): void;
  /** Stops serving (the port is free); start() serves again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** `issuer` signs the service tokens the catalog accepts (audience catalog, client orders). */
export async function startInMemoryCatalog(issuer: TestIssuer, port = 0): Promise<InMemoryCatalog> {
  const products = new Map<string, Product>();
  const reservations = new Map<string, Reservation>();
  const authorizations: string[] = [];
  const calls: string[] = [];
  const verifier = createJwtVerifier({ jwksUrl: issuer.jwksUrl, issuer: issuer.issuer, audience: 'catalog' });

  const authorize = async (metadata: Metadata) => {
    const [value] = metadata.get('authorization');
    if (typeof value === 'string') authorizations.push(value);
    if (catalog.rejectTokens > 0) {
      catalog.rejectTokens--;
      throw new GrpcStatusError(status.UNAUTHENTICATED, 'token refused');
    }
    try {
      await authenticateGrpcCaller(metadata, { verifier, allowedClients: ['orders'] });
    } catch (error) {
      const code = error instanceof CallerNotAllowedError ? status.PERMISSION_DENIED : status.UNAUTHENTICATED;
      throw new GrpcStatusError(code, (error as Error).message);
    }
  };

  const giveBack = (reservation: Reservation) => {
    for (const line of reservation.lines) {
      const product = products.get(line.productId);
      if (product) product.stock += line.quantity;
    }
  };

  const reserve = ({ reservationId, lines }: catalogV1.ReserveStockRequest): catalogV1.ReserveStockResponse => {
    if (!reservationId || lines.length === 0) throw new GrpcStatusError(status.INVALID_ARGUMENT, 'bad request');
    if (new Set(lines.map((line) => line.productId)).size !== lines.length) {
      throw new GrpcStatusError(status.INVALID_ARGUMENT, 'a product appears twice');
    }
    const expiresAt = new Date(Date.now() + 60_000);
    const earlier = reservations.get(reservationId);
    if (earlier) {
      if (earlier.state === 'released' || earlier.state === 'expired') {
        throw new GrpcStatusError(status.FAILED_PRECONDITION, `reservation ${earlier.state}`);
      }
      const same =
        earlier.lines.length === lines.length &&
        earlier.lines.every(
          (line, i) => line.productId === lines[i]?.productId && line.quantity === lines[i]?.quantity,
        );
      if (!same) throw new GrpcStatusError(status.ALREADY_EXISTS, 'reservation id used with other lines');
      return { reservationId, lines: earlier.lines, expiresAt: earlier.state === 'held' ? expiresAt : undefined };
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
    reservations.set(reservationId, { lines: reserved, state: 'held' });
    return { reservationId, lines: reserved, expiresAt };
  };

  const confirm = (reservationId: string): catalogV1.ConfirmStockResponse => {
    const reservation = reservations.get(reservationId);
    if (!reservation) throw new GrpcStatusError(status.NOT_FOUND, 'no such reservation');
    if (reservation.state === 'confirmed') return { confirmed: false };
    if (reservation.state !== 'held') {
      throw new GrpcStatusError(status.FAILED_PRECONDITION, `reservation ${reservation.state}`);
    }
    reservation.state = 'confirmed';
    return { confirmed: true };
  };

  const release = (reservationId: string): catalogV1.ReleaseStockResponse => {
    const reservation = reservations.get(reservationId);
    if (!reservation) {
      // a tombstone: a reservation still in flight cannot take stock under this id afterwards
      reservations.set(reservationId, { lines: [], state: 'released' });
      return { released: false };
    }
    if (reservation.state !== 'held' && reservation.state !== 'confirmed') return { released: false };
    giveBack(reservation);
    reservation.state = 'released';
    return { released: true };
  };

  /** A stock RPC: the caller check, then the handler; undefined means the call is never answered (a hang). */
  const stock =
    <Request extends { reservationId: string }, Response>(
      method: string,
      handle: (request: Request) => Promise<Response | undefined> | Response | undefined,
    ): handleUnaryCall<Request, Response> =>
    (call, callback) => {
      (async () => {
        await authorize(call.metadata);
        calls.push(`${method} ${call.request.reservationId}`);
        return handle(call.request);
      })().then(
        (response) => {
          if (response !== undefined) callback(null, response);
        },
        (error: GrpcStatusError) => callback(error),
      );
    };

  const implementation: catalogV1.CatalogServiceServer = {
    listProducts: (_call, callback) => callback(new GrpcStatusError(status.UNIMPLEMENTED, 'not used by orders')),
    getProduct: (_call, callback) => callback(new GrpcStatusError(status.UNIMPLEMENTED, 'not used by orders')),
    watchProducts: (call) => call.destroy(new GrpcStatusError(status.UNIMPLEMENTED, 'not used by orders')),
    reserveStock: stock('reserve', (request: catalogV1.ReserveStockRequest) => {
      const failure = catalog.failReserveWith.shift();
      if (failure !== undefined) throw new GrpcStatusError(failure, 'injected failure');
      const response = reserve(request);
      return catalog.hang ? undefined : response;
    }),
    confirmStock: stock('confirm', async (request: catalogV1.ConfirmStockRequest) => {
      if (catalog.hang) return undefined;
      const failure = catalog.failConfirmWith.shift();
      if (failure !== undefined) throw new GrpcStatusError(failure, 'injected failure');
      const response = confirm(request.reservationId);
      if (catalog.confirmDelayMs > 0) await sleep(catalog.confirmDelayMs);
      return response;
    }),
    releaseStock: stock('release', (request: catalogV1.ReleaseStockRequest) =>
      catalog.hang ? undefined : release(request.reservationId),
    ),
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
    calls,
    hang: false,
    failReserveWith: [],
    failConfirmWith: [],
    rejectTokens: 0,
    confirmDelayMs: 0,
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
    stateOf: (reservationId) => reservations.get(reservationId)?.state,
    expire(reservationId) {
      const reservation = reservations.get(reservationId);
      if (reservation?.state !== 'held') return;
      giveBack(reservation);
      reservation.state = 'expired';
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
