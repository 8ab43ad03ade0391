// The catalog's rules: what a well-formed request is, when a reservation may be repeated, how long stock is held
// for a confirmation, and what each refusal means. Storage is the repository's; transport is products.grpc.ts's.
import {
  InsufficientStockError,
  InvalidRequestError,
  ProductNotFoundError,
  ReservationConflictError,
  ReservationExpiredError,
  ReservationNotFoundError,
  ReservationReleasedError,
} from './products.errors.js';
import type { ProductsRepository } from './products.repository.js';
import type { NewProduct, Product, Reservation, ReservedLine, StockHold, StockRequest } from './products.types.js';

/** Product ids are UUIDs; anything else names no product (NOT_FOUND, never a database error). */
const PRODUCT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const MAX_RESERVATION_ID_LENGTH = 200;
export const MAX_LINES = 100;
const MAX_QUANTITY = 2_147_483_647;
/** Expired holds given back per transaction: bounds how long one sweep holds its locks. */
const EXPIRY_BATCH = 100;

export const isProductId = (value: string): boolean => PRODUCT_ID.test(value);

export interface ProductsServiceOptions {
  /** How long a reservation holds its stock for a confirmation. */
  holdMs: number;
}

export interface ProductsService {
  /** Every product, ordered by sku. */
  listProducts(): Promise<Product[]>;
  getProduct(id: string): Promise<Product>;
  /**
   * Holds every line for `clientId`, all or nothing, until confirmed or expired. Repeating a reservation id with
   * the same lines returns the reservation as first made (prices then, nothing reserved again).
   */
  reserveStock(clientId: string, reservationId: string, lines: readonly StockRequest[]): Promise<StockHold>;
  /** Makes a hold permanent. True when this call confirmed it; false when it was confirmed already. */
  confirmStock(reservationId: string): Promise<boolean>;
  /** True when this call put the reservation's stock back; false when there was nothing (more) to release. */
  releaseStock(clientId: string, reservationId: string): Promise<boolean>;
  /** Gives back the stock of every hold past its expiry; returns how many expired. */
  expireHolds(): Promise<number>;
  /** Fills an empty catalog with `products`; a catalog that has any product is left alone. */
  seed(products: readonly NewProduct[]): Promise<number>;
}

export function createProductsService(
  products: ProductsRepository,
  { holdMs }: ProductsServiceOptions,
): ProductsService {
  return {
    listProducts: () => products.list(),

    async getProduct(id) {
      if (id === '') throw new InvalidRequestError('id is required');
      const product = isProductId(id) ? await products.findById(id.toLowerCase()) : undefined;
      if (!product) throw new ProductNotFoundError(id);
      return product;
    },

    async reserveStock(clientId, reservationId, lines) {
      const requested = validateReservation(reservationId, lines);
      // unknown products are answered without a transaction; they could never be reserved
      const malformed = requested.find((line) => !isProductId(line.productId));
      if (malformed) throw new ProductNotFoundError(malformed.productId);

      let outcome = await products.reserve(reservationId, clientId, requested, holdMs);
      if (outcome.kind === 'insufficient-stock') {
        // expired holds not swept yet still count against stock: give those of these products back, then look again
        const productIds = requested.map((line) => line.productId);
        if ((await products.expireHolds({ limit: EXPIRY_BATCH, productIds })) > 0) {
          outcome = await products.reserve(reservationId, clientId, requested, holdMs);
        }
      }
      switch (outcome.kind) {
        case 'reserved':
          return { lines: outcome.reservation.lines, expiresAt: outcome.reservation.expiresAt };
        case 'exists':
          return repeated(outcome.reservation, requested);
        case 'unknown-product':
          throw new ProductNotFoundError(outcome.productId);
        case 'insufficient-stock':
          throw new InsufficientStockError(outcome.productId, outcome.requested, outcome.available);
      }
    },

    async confirmStock(reservationId) {
      validateReservationId(reservationId);
      const outcome = await products.confirm(reservationId);
      switch (outcome) {
        case 'confirmed':
          return true;
        case 'already-confirmed':
          return false;
        case 'unknown':
          throw new ReservationNotFoundError(reservationId);
        case 'released':
          throw new ReservationReleasedError(reservationId);
        case 'expired':
          // its stock goes back now rather than at the next sweep
          await products.expireHolds({ limit: 1, reservationIds: [reservationId] });
          throw new ReservationExpiredError(reservationId);
      }
    },

    async releaseStock(clientId, reservationId) {
      if (reservationId === '') throw new InvalidRequestError('reservation_id is required');
      // an over-long id can never have been reserved
      if (reservationId.length > MAX_RESERVATION_ID_LENGTH) return false;
      return products.release(reservationId, clientId);
    },

    async expireHolds() {
      let total = 0;
      for (;;) {
        const expired = await products.expireHolds({ limit: EXPIRY_BATCH });
        total += expired;
        if (expired < EXPIRY_BATCH) return total;
      }
    },

    seed: (newProducts) => products.seedIfEmpty(newProducts),
  };
}

function validateReservationId(reservationId: string): void {
  if (reservationId === '') throw new InvalidRequestError('reservation_id is required');
  if (reservationId.length > MAX_RESERVATION_ID_LENGTH) {
    throw new InvalidRequestError(`reservation_id is longer than ${MAX_RESERVATION_ID_LENGTH} characters`);
  }
}

function validateReservation(reservationId: string, lines: readonly StockRequest[]): StockRequest[] {
  validateReservationId(reservationId);
  if (lines.length === 0) throw new InvalidRequestError('lines must not be empty');
  if (lines.length > MAX_LINES) throw new InvalidRequestError(`at most ${MAX_LINES} lines are allowed`);
  const seen = new Set<string>();
  return lines.map((line, index) => {
    if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > MAX_QUANTITY) {
      throw new InvalidRequestError(`lines[${index}].quantity must be at least 1`);
    }
    if (line.productId === '') throw new InvalidRequestError(`lines[${index}].product_id is required`);
    // UUIDs are compared and stored in the database's canonical lower case
    const productId = isProductId(line.productId) ? line.productId.toLowerCase() : line.productId;
    if (seen.has(productId)) {
      throw new InvalidRequestError(`product ${productId} appears in more than one line; merge them first`);
    }
    seen.add(productId);
    return { productId, quantity: line.quantity };
  });
}

/** The answer to a reservation id seen before: the first result when the request is the same, else a refusal. */
function repeated(reservation: Reservation, requested: readonly StockRequest[]): StockHold {
  if (reservation.status === 'released') throw new ReservationReleasedError(reservation.id);
  if (reservation.status === 'expired') throw new ReservationExpiredError(reservation.id);
  if (!sameLines(reservation.lines, requested)) throw new ReservationConflictError(reservation.id);
  return { lines: reservation.lines, expiresAt: reservation.expiresAt };
}

function sameLines(reserved: readonly ReservedLine[], requested: readonly StockRequest[]): boolean {
  if (reserved.length !== requested.length) return false;
  const quantities = new Map(reserved.map((line) => [line.productId, line.quantity]));
  return requested.every((line) => quantities.get(line.productId) === line.quantity);
}
