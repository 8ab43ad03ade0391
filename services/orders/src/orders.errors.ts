// The domain's typed errors. orders.grpc.ts turns each into its gRPC status, in one place; messages are safe to
// show to a client.

export class OrderError extends Error {
  override readonly name: string = 'OrderError';
}

/** The request breaks a rule (no items, a bad quantity, an unknown product, mixed currencies...). */
export class InvalidOrderError extends OrderError {
  override readonly name = 'InvalidOrderError';
}

/** No order of the caller has this id (also for another user's order and for a malformed id). */
export class OrderNotFoundError extends OrderError {
  override readonly name = 'OrderNotFoundError';
  constructor() {
    super('Order not found');
  }
}

/** The catalog has less stock than asked for; nothing was reserved and no order was made. */
export class InsufficientStockError extends OrderError {
  override readonly name = 'InsufficientStockError';
}

export class OrderAlreadyCancelledError extends OrderError {
  override readonly name = 'OrderAlreadyCancelledError';
  constructor() {
    super('The order is already cancelled');
  }
}

/** The caller used this idempotency key before for different items. */
export class IdempotencyKeyReusedError extends OrderError {
  override readonly name = 'IdempotencyKeyReusedError';
  constructor() {
    super('This idempotency key was already used for a different order');
  }
}

/** Another call with the same idempotency key is still placing its order; retrying later returns it. */
export class OrderInProgressError extends OrderError {
  override readonly name = 'OrderInProgressError';
  constructor() {
    super('An order with this idempotency key is still being placed; retry shortly');
  }
}

/** The catalog could not be reached or did not answer in time; nothing stays reserved. */
export class CatalogUnavailableError extends OrderError {
  override readonly name = 'CatalogUnavailableError';
  constructor(
    readonly timedOut: boolean,
    message = timedOut ? 'The catalog did not answer in time' : 'The catalog is unavailable',
  ) {
    super(message);
  }
}

/** The placement outlived its lease (or its hold expired) before it was stored; nothing stays reserved. */
export class PlacementExpiredError extends OrderError {
  override readonly name = 'PlacementExpiredError';
  constructor() {
    super('The order could not be completed in time; nothing was reserved, retry it');
  }
}

/** The catalog refused the orders service's own credentials: a deployment fault, not the caller's. */
export class CatalogRejectedCallerError extends OrderError {
  override readonly name = 'CatalogRejectedCallerError';
  constructor() {
    super('The catalog is unavailable');
  }
}
