// The shop window: every product with its price and stock, and one product's page with its order form for a
// logged-in person (each rendering of the form carries a new Idempotency-Key, so a double submit is one order).
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { GatewayClient, Product } from './gateway-client.js';
import { contextOf } from './signed-in-calls.js';

export interface ProductsRoutesOptions {
  gateway: GatewayClient;
}

export const productParamsSchema = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

/** What the product page's order form shows again after a refused order. */
export interface OrderFormState {
  quantity?: string;
  error?: string;
}

export const productsRoutes: FastifyPluginAsyncTypebox<ProductsRoutesOptions> = async (app, { gateway }) => {
  app.get('/', async (request, reply) => {
    const products = await gateway.listProducts(contextOf(request));
    return reply.page('products', { title: 'Products', products });
  });

  app.get('/products/:id', { schema: { params: productParamsSchema } }, async (request, reply) => {
    const product = await gateway.getProduct(contextOf(request), request.params.id);
    return reply.page(...productPage(product));
  });
};

/** The product page's view and data; the orders routes render it again, with the form's error, after a 409. */
export function productPage(product: Product, form: OrderFormState = {}, status = 200) {
  return [
    'product',
    { title: product.name, product, form: { ...form, idempotencyKey: randomUUID() } },
    status,
  ] as const;
}
