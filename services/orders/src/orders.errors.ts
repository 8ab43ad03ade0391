// The refusals of orders, each a service-kit DomainError of a kind (service-kit maps the kind to the gRPC status
// orders.proto names, in one place); messages are safe to show to a client.
import { DomainError } from '@platform/service-kit';

/** The request breaks a rule (no items, a bad quantity, an unknown product, mixed currencies...). */
export class InvalidOrderError extends DomainError {
  override readonly name = 'InvalidOrderError';
  constructor(message: string) {
    super('invalid-input', message);
  }
}

/** No order of the caller has this id (also for another user's order and for a malformed id). */
export class OrderNotFoundError extends DomainError {
  override readonly name = 'OrderNotFoundError';
  constructor() {
    super('not-found', 'Order not found');
  }
}

/** The catalog has less stock than asked for; nothing was reserved and no order was made. */
export class InsufficientStockError extends DomainError {
  override readonly name = 'InsufficientStockError';
  constructor(message: string) {
    super('precondition', message);
  }
}

export class OrderAlreadyCancelledError extends DomainError {
  override readonly name = 'OrderAlreadyCancelledError';
  constructor() {
    super('precondition', 'The order is already cancelled');
  }
}

/** The caller used this idempotency key before for different items. */
export class IdempotencyKeyReusedError extends DomainError {
  override readonly name = 'IdempotencyKeyReusedError';
  constructor() {
    super('conflict', 'This idempotency key was already used for a different order');
  }
}

/** Another call with the same idempotency key is still placing its order; retrying later returns it. */
export class OrderInProgressError extends DomainError {
  override readonly name = 'OrderInProgressError';
  constructor() {
    super('aborted', 'An order with this idempotency key is still being placed; retry shortly');
  }
}

/** The catalog could not be reached or did not answer in time; nothing stays reserved. */
export class CatalogUnavailableError extends DomainError {
  override readonly name = 'CatalogUnavailableError';
  constructor(readonly timedOut: boolean) {
    super(
      timedOut ? 'deadline' : 'unavailable',
      timedOut ? 'The catalog did not answer in time' : 'The catalog is unavailable',
    );
  }
}

/** The placement outlived its lease (or its hold expired) before it was stored; nothing stays reserved. */
export class PlacementExpiredError extends DomainError {
  override readonly name = 'PlacementExpiredError';
  constructor() {
    super('unavailable', 'The order could not be completed in time; nothing was reserved, retry it');
  }
}

/** The catalog refused the orders service's own credentials: a deployment fault, not the caller's. */
export class CatalogRejectedCallerError extends DomainError {
  override readonly name = 'CatalogRejectedCallerError';
  constructor() {
    super('unavailable', 'The catalog is unavailable');
  }
}
