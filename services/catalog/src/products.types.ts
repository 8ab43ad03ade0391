// The catalog's domain types: products, the stock a reservation asks for, and the holds it gets. The repository
// stores them, the service decides on them, the gRPC transport maps them to and from catalog.proto.

export interface Product {
  /** A UUID, lower case. */
  id: string;
  sku: string;
  name: string;
  description: string;
  priceCents: number;
  currency: string;
  stock: number;
}

export type NewProduct = Product;

export interface StockRequest {
  productId: string;
  quantity: number;
}

export interface ReservedLine {
  productId: string;
  quantity: number;
  unitPriceCents: number;
  currency: string;
}

/**
 * held: stock taken until expiresAt; confirmed: taken until released; released, expired: stock back (final).
 * A hold past its expiry reads as expired even before the sweeper has given its stock back.
 */
export type ReservationStatus = 'held' | 'confirmed' | 'released' | 'expired';

export interface Reservation {
  id: string;
  /** Who made it: the OAuth client (a user id for reservations from before holds existed). */
  createdBy: string;
  status: ReservationStatus;
  /** While held: when the hold expires. */
  expiresAt: Date | undefined;
  /** In the order of the request that made it; empty for an id that was released before it was ever reserved. */
  lines: ReservedLine[];
}

/** What a reservation gets: its lines at the prices of the moment, held until confirmed or expired. */
export interface StockHold {
  lines: ReservedLine[];
  /** When the hold expires unless confirmed; undefined once it is confirmed. */
  expiresAt: Date | undefined;
}
