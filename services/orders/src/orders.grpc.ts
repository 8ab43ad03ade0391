// The gRPC transport of OrdersService: authenticates the caller, maps each request to one domain call and the
// result back, and turns domain errors into gRPC statuses in this one place.
import { type handleUnaryCall, type ServerUnaryCall, status } from '@grpc/grpc-js';
import { TokenError } from '@platform/auth-kit';
import { ordersV1 } from '@platform/contracts';
import { GrpcStatusError, isStorageUnavailable, type Logger } from '@platform/service-kit';
import type { CallerIdentity } from './caller-identity.js';
import type { Caller, Order } from './order.js';
import {
  CatalogRejectedCallerError,
  CatalogUnavailableError,
  IdempotencyKeyReusedError,
  InsufficientStockError,
  InvalidOrderError,
  OrderAlreadyCancelledError,
  OrderInProgressError,
  OrderNotFoundError,
  PlacementExpiredError,
} from './orders.errors.js';
import type { OrdersService } from './orders.service.js';

export interface OrdersGrpcOptions {
  service: OrdersService;
  identity: CallerIdentity;
  logger: Logger;
}

export function createOrdersGrpc({ service, identity, logger }: OrdersGrpcOptions): ordersV1.OrdersServiceServer {
  function unary<Req, Res>(handle: (caller: Caller, request: Req) => Promise<Res>): handleUnaryCall<Req, Res> {
    return (call: ServerUnaryCall<Req, Res>, callback) => {
      identity
        .authenticate(call.metadata)
        .then((caller) => handle(caller, call.request))
        .then(
          (response) => callback(null, response),
          (error: unknown) => callback(toGrpcError(error, logger)),
        );
    };
  }

  return {
    placeOrder: unary(async (caller, request: ordersV1.PlaceOrderRequest) => ({
      order: toMessage(await service.placeOrder(caller, request)),
    })),
    listOrders: unary(async (caller) => ({ orders: (await service.listOrders(caller)).map(toMessage) })),
    getOrder: unary(async (caller, request: ordersV1.GetOrderRequest) => ({
      order: toMessage(await service.getOrder(caller, request.id)),
    })),
    cancelOrder: unary(async (caller, request: ordersV1.CancelOrderRequest) => ({
      order: toMessage(await service.cancelOrder(caller, request.id)),
    })),
  };
}

const STATUSES: [new (...args: never[]) => Error, status][] = [
  [InvalidOrderError, status.INVALID_ARGUMENT],
  [OrderNotFoundError, status.NOT_FOUND],
  [InsufficientStockError, status.FAILED_PRECONDITION],
  [OrderAlreadyCancelledError, status.FAILED_PRECONDITION],
  [IdempotencyKeyReusedError, status.ALREADY_EXISTS],
  [OrderInProgressError, status.ABORTED],
  [PlacementExpiredError, status.UNAVAILABLE],
];

/** The one place where errors become gRPC statuses; anything unforeseen is INTERNAL with no internal details. */
export function toGrpcError(error: unknown, logger: Logger): GrpcStatusError {
  if (error instanceof TokenError) {
    if (error.reason === 'jwks-unavailable') logger.error({ err: error }, 'cannot load the JWKS to verify tokens');
    return new GrpcStatusError(status.UNAUTHENTICATED, error.message);
  }
  if (error instanceof CatalogRejectedCallerError) {
    // orders' own credentials were refused: a deployment fault (STOCK_CLIENTS, OAUTH_CLIENTS, keys), not the user's
    logger.error({ err: error }, 'the catalog refused the orders service token');
    return new GrpcStatusError(status.UNAVAILABLE, error.message);
  }
  if (error instanceof CatalogUnavailableError) {
    return new GrpcStatusError(error.timedOut ? status.DEADLINE_EXCEEDED : status.UNAVAILABLE, error.message);
  }
  for (const [type, code] of STATUSES) {
    if (error instanceof type) return new GrpcStatusError(code, error.message);
  }
  if (isStorageUnavailable(error)) {
    logger.error({ err: error }, 'database unavailable');
    return new GrpcStatusError(status.UNAVAILABLE, 'The order store is unavailable; retry later');
  }
  logger.error({ err: error }, 'unexpected error');
  return new GrpcStatusError(status.INTERNAL, 'An unexpected error occurred');
}

function toMessage(order: Order): ordersV1.Order {
  return {
    id: order.id,
    status:
      order.status === 'confirmed'
        ? ordersV1.OrderStatus.ORDER_STATUS_CONFIRMED
        : ordersV1.OrderStatus.ORDER_STATUS_CANCELLED,
    items: order.items.map(({ productId, quantity, unitPriceCents }) => ({ productId, quantity, unitPriceCents })),
    totalCents: order.totalCents,
    currency: order.currency,
    createdAt: order.createdAt,
  };
}
