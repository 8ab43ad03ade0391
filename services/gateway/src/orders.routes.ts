// Orders routes (Bearer): the caller's token is checked here and passed on to the orders service, which checks it
// again and acts for its subject; proto messages are mapped to the contract's JSON.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ordersV1 } from '@platform/contracts';
import { HttpProblem } from '@platform/service-kit';
import type { FastifyRequest } from 'fastify';
import type { Caller, OrdersClient } from './grpc-clients.js';
import { bearerSecurity, problemResponses } from './openapi.js';
import {
  type Order,
  orderListSchema,
  orderParamsSchema,
  orderSchema,
  placeOrderBodySchema,
  placeOrderHeadersSchema,
} from './orders.schema.js';

export interface OrdersRoutesOptions {
  orders: OrdersClient;
  /** Called once a request that may have changed stock (placing, cancelling) is over, however it ended. */
  onStockChange?: () => void;
}

const tags = ['orders'];
const common = [401, 403, 429, 500, 502, 503, 504] as const;

export const ordersRoutes: FastifyPluginAsyncTypebox<OrdersRoutesOptions> = async (app, { orders, onStockChange }) => {
  app.addHook('preHandler', app.requireUser);
  // a failed or timed-out placement may still have taken stock: told either way
  const changingStock = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } finally {
      onStockChange?.();
    }
  };

  app.post(
    '/api/orders',
    {
      schema: {
        tags,
        summary: 'Place an order (stock is reserved all or nothing)',
        operationId: 'placeOrder',
        description:
          '400 for a bad body or an unknown product, 409 when stock is short (nothing is reserved) or the ' +
          'Idempotency-Key was used for different items.',
        security: bearerSecurity,
        headers: placeOrderHeadersSchema,
        body: placeOrderBodySchema,
        response: { 201: orderSchema, ...problemResponses(400, 409, 413, 415, ...common) },
      },
    },
    async (request, reply) => {
      const { order } = await changingStock(() =>
        orders.placeOrder(
          { items: request.body.items, idempotencyKey: request.headers['idempotency-key'] },
          callerOf(request),
        ),
      );
      reply.code(201);
      return toOrder(order);
    },
  );

  app.get(
    '/api/orders',
    {
      schema: {
        tags,
        summary: "The caller's orders, newest first",
        operationId: 'listOrders',
        security: bearerSecurity,
        response: { 200: orderListSchema, ...problemResponses(...common) },
      },
    },
    async (request) => {
      const response = await orders.listOrders({}, callerOf(request));
      return { items: response.orders.map(toOrder) };
    },
  );

  app.get(
    '/api/orders/:id',
    {
      schema: {
        tags,
        summary: "One of the caller's orders (404 for an order of another user, as for one that does not exist)",
        operationId: 'getOrder',
        security: bearerSecurity,
        params: orderParamsSchema,
        response: { 200: orderSchema, ...problemResponses(400, 404, ...common) },
      },
    },
    async (request) => {
      const { order } = await orders.getOrder({ id: request.params.id }, callerOf(request));
      return toOrder(order);
    },
  );

  app.post(
    '/api/orders/:id/cancel',
    {
      schema: {
        tags,
        summary: "Cancel one of the caller's orders; its stock goes back to the catalog",
        operationId: 'cancelOrder',
        description: '409 if the order is already cancelled.',
        security: bearerSecurity,
        params: orderParamsSchema,
        response: { 200: orderSchema, ...problemResponses(400, 404, 409, ...common) },
      },
    },
    async (request) => {
      const { order } = await changingStock(() => orders.cancelOrder({ id: request.params.id }, callerOf(request)));
      return toOrder(order);
    },
  );
};

function callerOf(request: FastifyRequest): Caller {
  return { requestId: request.id, token: request.user?.token };
}

const STATUS_NAMES: Partial<Record<ordersV1.OrderStatus, Order['status']>> = {
  [ordersV1.OrderStatus.ORDER_STATUS_CONFIRMED]: 'confirmed',
  [ordersV1.OrderStatus.ORDER_STATUS_CANCELLED]: 'cancelled',
};

function toOrder(order: ordersV1.Order | undefined): Order {
  const status = order && STATUS_NAMES[order.status];
  if (!order || !status || !order.createdAt) {
    throw new HttpProblem(502, 'The orders service answered with an incomplete order');
  }
  return {
    id: order.id,
    status,
    items: order.items.map((item) => ({
      productId: item.productId,
      quantity: item.quantity,
      unitPriceCents: item.unitPriceCents,
    })),
    totalCents: order.totalCents,
    currency: order.currency,
    createdAt: order.createdAt.toISOString(),
  };
}
