// The catalog's refusals, independent of any transport: each says its kind of failure, and service-kit maps the
// kind to the status catalog.proto documents (INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION, ALREADY_EXISTS).
import { DomainError } from '@platform/service-kit';

export class InvalidRequestError extends DomainError {
  override readonly name = 'InvalidRequestError';
  constructor(message: string) {
    super('invalid-input', message);
  }
}

export class ProductNotFoundError extends DomainError {
  override readonly name = 'ProductNotFoundError';
  constructor(readonly productId: string) {
    super('not-found', `product ${JSON.stringify(productId)} does not exist`);
  }
}

export class InsufficientStockError extends DomainError {
  override readonly name = 'InsufficientStockError';
  constructor(
    readonly productId: string,
    readonly requested: number,
    readonly available: number,
  ) {
    super('precondition', `product ${productId} has ${available} in stock, ${requested} requested`);
  }
}

/** The reservation id was used before with other lines. */
export class ReservationConflictError extends DomainError {
  override readonly name = 'ReservationConflictError';
  constructor(readonly reservationId: string) {
    super('conflict', `reservation ${JSON.stringify(reservationId)} already exists with different lines`);
  }
}

/** The reservation id was released; it cannot be reserved again. */
export class ReservationReleasedError extends DomainError {
  override readonly name = 'ReservationReleasedError';
  constructor(readonly reservationId: string) {
    super('precondition', `reservation ${JSON.stringify(reservationId)} was released`);
  }
}

/** The hold was not confirmed in time; its stock is back and it can be neither confirmed nor reserved again. */
export class ReservationExpiredError extends DomainError {
  override readonly name = 'ReservationExpiredError';
  constructor(readonly reservationId: string) {
    super('precondition', `reservation ${JSON.stringify(reservationId)} has expired`);
  }
}

/** No reservation has this id (ConfirmStock). */
export class ReservationNotFoundError extends DomainError {
  override readonly name = 'ReservationNotFoundError';
  constructor(readonly reservationId: string) {
    super('not-found', `reservation ${JSON.stringify(reservationId)} does not exist`);
  }
}
