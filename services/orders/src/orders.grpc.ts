// The gRPC transport of the orders service: authenticates the caller (auth-kit's authenticateGrpcCaller, the one way
// every gRPC server of the platform does it) and maps each request to one domain call and the result back. Refusals
// become statuses in service-kit's one mapping (grpcUnary), not here.
import type { Metadata, ServerUnaryCall } from '@grpc/grpc-js';
import { authenticateGrpcCaller, type JwtVerifier } from '@platform/auth-kit';
import { ordersV1 } from '@platform/contracts';
import { grpcUnary, type Logger } from '@platform/service-kit';
import type { OrdersService } from './orders.service.js';
import type { Caller, Order } from './orders.types.js';

export interface OrdersGrpcOptions {
  service: OrdersService;
  /** Verifies the end user's access token on every call, whoever the caller is (CONTRACT "Tokens"). */
  verifier: JwtVerifier;
  logger: Logger;
}

export function createOrdersGrpc({ service, verifier, logger }: OrdersGrpcOptions): ordersV1.OrdersServiceServer {
  const unary = grpcUnary(logger);
  // the token goes no further than here: orders calls the catalog as itself
  const callerOf = async (metadata: Metadata): Promise<Caller> => ({
    userId: (await authenticateGrpcCaller(metadata, { verifier })).subject,
  });
  const asCaller = <Request, Response>(handle: (caller: Caller, request: Request) => Promise<Response>) =>
    unary(async (call: ServerUnaryCall<Request, Response>) => handle(await callerOf(call.metadata), call.request));

  return {
    placeOrder: asCaller(async (caller, request: ordersV1.PlaceOrderRequest) => ({
      order: toMessage(await service.placeOrder(caller, request)),
    })),
    listOrders: asCaller(async (caller) => ({ orders: (await service.listOrders(caller)).map(toMessage) })),
    getOrder: asCaller(async (caller, request: ordersV1.GetOrderRequest) => ({
      order: toMessage(await service.getOrder(caller, request.id)),
    })),
    cancelOrder: asCaller(async (caller, request: ordersV1.CancelOrderRequest) => ({
      order: toMessage(await service.cancelOrder(caller, request.id)),
    })),
  };
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
