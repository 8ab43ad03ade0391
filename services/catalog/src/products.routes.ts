// An HTTP/1.1 JSON face of the product reads on the ops port (`GET /internal/products[/:id]`), for a gateway run with
// CATALOG_TRANSPORT=http: the benchmark's measure of what gRPC buys or costs on the read path. Same JSON as the
// gateway's public answers; internal (not in the public API), read-only, no token needed (the reads are public).
import { HttpProblem, type HttpServer } from '@platform/service-kit';
import { InvalidRequestError, ProductNotFoundError, StorageUnavailableError } from './products.errors.js';
import { productListSchema, productParamsSchema, productSchema } from './products.schema.js';
import type { ProductsService } from './products.service.js';

export interface ProductsRoutesOptions {
  products: ProductsService;
}

export function addProductsRoutes(app: HttpServer, { products }: ProductsRoutesOptions): void {
  app.get('/internal/products', { schema: { response: { 200: productListSchema } } }, async () => {
    try {
      return { items: await products.listProducts() };
    } catch (error) {
      throw toProblem(error);
    }
  });

  app.get(
    '/internal/products/:id',
    { schema: { params: productParamsSchema, response: { 200: productSchema } } },
    async (request) => {
      try {
        return await products.getProduct(request.params.id);
      } catch (error) {
        throw toProblem(error);
      }
    },
  );
}

/** Domain errors to HTTP statuses (the HTTP twin of catalog.grpc.ts's mapping); anything else stays a 500. */
function toProblem(error: unknown): unknown {
  if (error instanceof ProductNotFoundError) return new HttpProblem(404, error.message);
  if (error instanceof InvalidRequestError) return new HttpProblem(400, error.message);
  if (error instanceof StorageUnavailableError) {
    return new HttpProblem(503, 'catalog storage is unavailable; retry with backoff', {
      headers: { 'retry-after': '1' },
    });
  }
  return error;
}
