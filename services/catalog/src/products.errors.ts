// The catalog's domain errors: what the rules can refuse, independent of any transport. catalog.grpc.ts maps each
// to a gRPC status in one place.

export class InvalidRequestError extends Error {
  override readonly name = 'InvalidRequestError';
}

export class ProductNotFoundError extends Error {
  override readonly name = 'ProductNotFoundError';
  constructor(readonly productId: string) {
    super(`product ${JSON.stringify(productId)} does not exist`);
  }
}

export class InsufficientStockError extends Error {
  override readonly name = 'InsufficientStockError';
  constructor(
    readonly productId: string,
    readonly requested: number,
    readonly available: number,
  ) {
    super(`product ${productId} has ${available} in stock, ${requested} requested`);
  }
}

/** The reservation id was used before with other lines. */
export class ReservationConflictError extends Error {
  override readonly name = 'ReservationConflictError';
  constructor(readonly reservationId: string) {
    super(`reservation ${JSON.stringify(reservationId)} already exists with different lines`);
  }
}

/** The reservation id was released; it cannot be reserved again. */
export class ReservationReleasedError extends Error {
  override readonly name = 'ReservationReleasedError';
  constructor(readonly reservationId: string) {
    super(`reservation ${JSON.stringify(reservationId)} was released`);
  }
}

/** The hold was not confirmed in time; its stock is back and it can be neither confirmed nor reserved again. */
export class ReservationExpiredError extends Error {
  override readonly name = 'ReservationExpiredError';
  constructor(readonly reservationId: string) {
    super(`reservation ${JSON.stringify(reservationId)} has expired`);
  }
}

/** No reservation has this id (ConfirmStock). */
export class ReservationNotFoundError extends Error {
  override readonly name = 'ReservationNotFoundError';
  constructor(readonly reservationId: string) {
    super(`reservation ${JSON.stringify(reservationId)} does not exist`);
  }
}

/** The database cannot be reached or is overloaded; the caller may retry with backoff. */
export class StorageUnavailableError extends Error {
  override readonly name = 'StorageUnavailableError';
}
