// A real grpc-js client of a running catalog for the tests: the generated contracts client, with each call as a
// promise and the caller's (service) token as `authorization` metadata.
import { type ClientReadableStream, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { catalogV1, healthV1 } from '@platform/contracts';

type Unary<Request, Response> = (
  request: Request,
  metadata: Metadata,
  options: { deadline: number },
  callback: (error: ServiceError | null, response: Response) => void,
) => unknown;

export interface CatalogTestClient {
  listProducts(): Promise<catalogV1.ListProductsResponse>;
  getProduct(id: string): Promise<catalogV1.GetProductResponse>;
  reserveStock(request: catalogV1.ReserveStockRequest, token?: string): Promise<catalogV1.ReserveStockResponse>;
  confirmStock(reservationId: string, token?: string): Promise<catalogV1.ConfirmStockResponse>;
  releaseStock(reservationId: string, token?: string): Promise<catalogV1.ReleaseStockResponse>;
  health(service: string): Promise<healthV1.HealthCheckResponse_ServingStatus>;
  watchProducts(): ClientReadableStream<catalogV1.WatchProductsResponse>;
  close(): void;
}

export function connectCatalog(address: string): CatalogTestClient {
  const catalog = new catalogV1.CatalogServiceClient(address, credentials.createInsecure());
  const health = new healthV1.HealthClient(address, credentials.createInsecure());
  const call = <Request, Response>(
    method: Unary<Request, Response>,
    request: Request,
    token?: string,
  ): Promise<Response> => {
    const metadata = new Metadata();
    if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
    return new Promise((resolve, reject) => {
      method(request, metadata, { deadline: Date.now() + 10_000 }, (error, response) =>
        error ? reject(error) : resolve(response),
      );
    });
  };
  return {
    listProducts: () => call(catalog.listProducts.bind(catalog), {}),
    getProduct: (id) => call(catalog.getProduct.bind(catalog), { id }),
    reserveStock: (request, token) => call(catalog.reserveStock.bind(catalog), request, token),
    confirmStock: (reservationId, token) => call(catalog.confirmStock.bind(catalog), { reservationId }, token),
    releaseStock: (reservationId, token) => call(catalog.releaseStock.bind(catalog), { reservationId }, token),
    health: async (service) => (await call(health.check.bind(health), { service })).status,
    watchProducts: () => catalog.watchProducts({}),
    close() {
      catalog.close();
      health.close();
    },
  };
}
