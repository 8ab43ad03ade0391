// Public catalog routes: REST in, gRPC to the catalog service out, proto messages mapped to the contract's JSON,
// each 200 with an ETag that a conditional request revalidates.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { catalogV1 } from '@platform/contracts';
import { HttpProblem } from '@platform/service-kit';
import { type Product, productListSchema, productParamsSchema, productSchema } from './catalog.schema.js';
import { conditionalGet } from './conditional-get.js';
import type { CatalogClient } from './grpc-clients.js';
import { problemResponses, publicSecurity } from './openapi.js';
import type { ProductListCopy } from './product-list-copy.js';

export interface CatalogRoutesOptions {
  catalog: CatalogClient;
  /** The gateway's copy of the list (PRODUCT_LIST_COPY), for both reads; without one, every read asks catalog. */
  productListCopy?: ProductListCopy<ProductList> | undefined;
}

export interface ProductList {
  items: Product[];
}

const tags = ['catalog'];

export const catalogRoutes: FastifyPluginAsyncTypebox<CatalogRoutesOptions> = async (
  app,
  { catalog, productListCopy },
) => {
  // public and the same for everyone: revalidated with ETag and If-None-Match (this plugin's routes only)
  conditionalGet(app);
  // the copy's JSON, written once per copy rather than once per read (the ETag is then one hash per copy too)
  const copiedBodies = new WeakMap<ProductList, string>();

  app.get(
    '/api/catalog/products',
    {
      schema: {
        tags,
        summary: 'Every product, ordered by sku',
        operationId: 'listProducts',
        security: publicSecurity,
        response: { 200: productListSchema, ...problemResponses(429, 500, 502, 503, 504) },
      },
    },
    async (request, reply) => {
      const fetch = async (): Promise<ProductList> => {
        const { products } = await catalog.listProducts({}, { requestId: request.id });
        return { items: products.map(toProduct) };
      };
      if (!productListCopy) return fetch();
      const list = await productListCopy.read(fetch);
      let body = copiedBodies.get(list);
      if (body === undefined) {
        body = reply.serialize(list) as string;
        copiedBodies.set(list, body);
      }
      // a string goes out as it is (the type provider only knows the schema's object, which `body` serializes)
      return reply.type('application/json; charset=utf-8').send(body as unknown as ProductList);
    },
  );

  app.get(
    '/api/catalog/products/:id',
    {
      schema: {
        tags,
        summary: 'One product',
        operationId: 'getProduct',
        security: publicSecurity,
        params: productParamsSchema,
        response: { 200: productSchema, ...problemResponses(400, 404, 429, 500, 502, 503, 504) },
      },
    },
    async (request) => {
      // from the copy of the list when it has the product; anything else (no copy, an unknown id) asks catalog
      const copied = productListCopy?.current()?.items.find((item) => item.id === request.params.id);
      if (copied) return copied;
      const { product } = await catalog.getProduct({ id: request.params.id }, { requestId: request.id });
      if (!product) throw new HttpProblem(502, 'The catalog answered without a product');
      return toProduct(product);
    },
  );
};

function toProduct(product: catalogV1.Product): Product {
  return {
    id: product.id,
    sku: product.sku,
    name: product.name,
    description: product.description,
    priceCents: product.priceCents,
    currency: product.currency,
    stock: product.stock,
  };
}
