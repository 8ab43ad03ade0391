// Placing, listing, showing and cancelling the logged-in person's orders. Every call goes through SignedInCalls,
// which keeps the access token fresh and sends the person to log in when their session has ended. Refusals a
// person can act on (not enough stock, the order already cancelled) come back as text on the page they were on.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { orderReference } from './formats.js';
import { type GatewayClient, GatewayProblem, type Product } from './gateway-client.js';
import { messageFor, orderConflictOf } from './gateway-messages.js';
import { productPage } from './products.routes.js';
import { contextOf, type SignedInCalls } from './signed-in-calls.js';

export interface OrdersRoutesOptions {
  gateway: GatewayClient;
  signedIn: SignedInCalls;
  /** Pause between asking again for an order another submit of the same form is still placing. */
  inProgressRetryMs?: number;
}

const placeOrderBodySchema = Type.Object({
  productId: Type.String({ minLength: 1, maxLength: 100 }),
  quantity: Type.String({ maxLength: 20 }),
  idempotencyKey: Type.String({ minLength: 1, maxLength: 255 }),
});
const orderParamsSchema = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

const MAX_QUANTITY = 1_000;
const IN_PROGRESS_ATTEMPTS = 10;

export const ordersRoutes: FastifyPluginAsyncTypebox<OrdersRoutesOptions> = async (
  app,
  { gateway, signedIn, inProgressRetryMs = 200 },
) => {
  app.post('/orders', { schema: { body: placeOrderBodySchema } }, async (request, reply) => {
    const { productId, idempotencyKey } = request.body;
    const returnTo = `/products/${encodeURIComponent(productId)}`;
    const ctx = contextOf(request);
    const quantity = Number(request.body.quantity);
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) {
      const product = await gateway.getProduct(ctx, productId);
      const error = `Enter a whole number from 1 to ${Math.min(MAX_QUANTITY, Math.max(1, product.stock))}.`;
      return reply.page(...productPage(product, { quantity: request.body.quantity, error }, 400));
    }
    const items = [{ productId, quantity }];
    for (let attempt = 1; ; attempt++) {
      try {
        const order = await signedIn.call(
          request,
          (token) => gateway.placeOrder(ctx, token, items, idempotencyKey),
          returnTo,
        );
        return reply.redirect(`/orders/${encodeURIComponent(order.id)}?notice=order-placed`, 303);
      } catch (error) {
        if (!(error instanceof GatewayProblem) || (error.status !== 409 && error.status !== 429)) throw error;
        const conflict = error.status === 409 ? orderConflictOf(error) : undefined;
        // the same form submitted twice: the first submit is still placing the order, which this one then gets
        if (conflict === 'in-progress' && attempt < IN_PROGRESS_ATTEMPTS) {
          await new Promise((resolve) => setTimeout(resolve, inProgressRetryMs));
          continue;
        }
        const product = await gateway.getProduct(ctx, productId);
        const message =
          conflict === 'out-of-stock'
            ? product.stock === 0
              ? `Sorry, ${product.name} has just sold out. Nothing was ordered.`
              : `Sorry, only ${product.stock} left in stock. Nothing was ordered: choose ${product.stock} or fewer.`
            : conflict === 'form-reused'
              ? 'This form was already used for another order. Check the quantity and place the order again.'
              : conflict === 'in-progress'
                ? 'Your order is still being placed. Look in your orders in a moment before ordering again.'
                : messageFor(error);
        if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
        return reply.page(...productPage(product, { quantity: String(quantity), error: message }, error.status));
      }
    }
  });

  app.get('/orders', async (request, reply) => {
    const orders = await signedIn.call(request, (token) => gateway.listOrders(contextOf(request), token));
    const products = await productNames(gateway, request);
    return reply.page('orders', { title: 'My orders', orders, products });
  });

  app.get('/orders/:id', { schema: { params: orderParamsSchema } }, async (request, reply) => {
    const order = await signedIn.call(request, (token) =>
      gateway.getOrder(contextOf(request), token, request.params.id),
    );
    const products = await productNames(gateway, request);
    return reply.page('order', { title: `Order ${orderReference(order.id)}`, order, products });
  });

  app.post('/orders/:id/cancel', { schema: { params: orderParamsSchema } }, async (request, reply) => {
    const path = `/orders/${encodeURIComponent(request.params.id)}`;
    try {
      await signedIn.call(request, (token) => gateway.cancelOrder(contextOf(request), token, request.params.id), path);
    } catch (error) {
      if (error instanceof GatewayProblem && error.status === 409) {
        return reply.redirect(`${path}?notice=already-cancelled`, 303);
      }
      throw error;
    }
    return reply.redirect(`${path}?notice=order-cancelled`, 303);
  });
};

/** Product names by id, for order lines; an order still shows (with ids) when the catalog cannot answer. */
async function productNames(
  gateway: GatewayClient,
  request: Parameters<typeof contextOf>[0],
): Promise<Record<string, Product>> {
  try {
    const products = await gateway.listProducts(contextOf(request));
    return Object.fromEntries(products.map((product) => [product.id, product]));
  } catch (error) {
    request.log.warn({ err: error }, 'product names unavailable for an order page');
    return {};
  }
}
