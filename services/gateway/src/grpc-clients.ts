// Long-lived gRPC clients for catalog and orders: one channel per target, created once and reused by every request,
// each call with a deadline, the caller's token and request id in metadata, and a failed call turned back into the
// failure its status stands for (service-kit's failureFromGrpc), which the HTTP error handler answers.
import {
  type CallOptions,
  type ClientReadableStream,
  type ClientUnaryCall,
  credentials,
  type Client as GrpcClient,
  Metadata,
  type ServiceError,
} from '@grpc/grpc-js';
import { catalogV1, ordersV1 } from '@platform/contracts';
import {
  clientChannelOptions,
  clientMetricsInterceptor,
  clientServiceConfig,
  failureFromGrpc,
  isGrpcServiceError,
  type Metrics,
  REQUEST_ID_HEADER,
} from '@platform/service-kit';

/** Who a call is made for: passed on as metadata so the service can check the token and log the request id. */
export interface Caller {
  requestId: string;
  /** The caller's access token (already checked at the gateway; the service checks it again). */
  token?: string | undefined;
}

export type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Res) => void,
) => ClientUnaryCall;

export type UnaryCall<Req, Res> = (request: Req, caller: Caller) => Promise<Res>;

export interface CatalogClient {
  listProducts: UnaryCall<catalogV1.ListProductsRequest, catalogV1.ListProductsResponse>;
  getProduct: UnaryCall<catalogV1.GetProductRequest, catalogV1.GetProductResponse>;
}

export interface OrdersClient {
  placeOrder: UnaryCall<ordersV1.PlaceOrderRequest, ordersV1.PlaceOrderResponse>;
  listOrders: UnaryCall<ordersV1.ListOrdersRequest, ordersV1.ListOrdersResponse>;
  getOrder: UnaryCall<ordersV1.GetOrderRequest, ordersV1.GetOrderResponse>;
  cancelOrder: UnaryCall<ordersV1.CancelOrderRequest, ordersV1.CancelOrderResponse>;
}

export interface GrpcClients {
  catalog: CatalogClient;
  /** Opens catalog's WatchProducts stream (no deadline: it lasts as long as both sides do). */
  watchProducts(): ClientReadableStream<catalogV1.WatchProductsResponse>;
  orders: OrdersClient;
  close(): void;
}

export interface GrpcClientsOptions {
  catalogAddress: string;
  ordersAddress: string;
  deadlineMs: number;
  metrics: Metrics;
}

/**
 * Reads are retried on UNAVAILABLE (a restarting or briefly unreachable service; they change nothing), within the
 * call's deadline. PlaceOrder and CancelOrder are never retried here: the gateway cannot know whether a first
 * attempt took effect (a client may retry PlaceOrder itself with an Idempotency-Key).
 */
function serviceConfig(service: string, readMethods: string[]): string {
  // service-kit's config (round_robin over the replicas) with the retry of reads
  return clientServiceConfig([
    {
      name: readMethods.map((method) => ({ service, method })),
      retryPolicy: {
        maxAttempts: 3,
        initialBackoff: '0.05s',
        maxBackoff: '0.25s',
        backoffMultiplier: 2,
        retryableStatusCodes: ['UNAVAILABLE'],
      },
    },
  ]);
}

export interface DownstreamClientOptions {
  /** host:port */
  address: string;
  /** Methods that change nothing, retried on UNAVAILABLE within the deadline. */
  readMethods: readonly string[];
  deadlineMs: number;
  metrics: Metrics;
}

/** A grpc-js client class of @platform/contracts (`XServiceClient`). */
type ClientClass<C extends GrpcClient> = {
  new (address: string, channelCredentials: ReturnType<typeof credentials.createInsecure>, options: object): C;
  serviceName: string;
};

/**
 * One long-lived client of a downstream service, and `unary`, which turns each of its methods into a call with the
 * deadline, the caller's metadata and the failure mapping. Catalog's and orders' clients are made with it, and so
 * are those of the services `npm run new:service` adds (their route modules, downstream-routes.ts).
 */
export function createDownstreamClient<C extends GrpcClient>(
  Client: ClientClass<C>,
  { address, readMethods, deadlineMs, metrics }: DownstreamClientOptions,
): { client: C; unary: <Req, Res>(method: UnaryMethod<Req, Res>) => UnaryCall<Req, Res> } {
  const client = new Client(address, credentials.createInsecure(), {
    ...clientChannelOptions,
    'grpc.service_config': serviceConfig(Client.serviceName, [...readMethods]),
    // ours is the only service config: no DNS TXT lookups for one
    'grpc.service_config_disable_resolution': 1,
    interceptors: [clientMetricsInterceptor(metrics)],
  });
  const unary =
    <Req, Res>(method: UnaryMethod<Req, Res>): UnaryCall<Req, Res> =>
    (request, caller) =>
      new Promise<Res>((resolve, reject) => {
        method.call(client, request, metadataFor(caller), { deadline: Date.now() + deadlineMs }, (error, response) => {
          // a status no failure kind has (INTERNAL, UNKNOWN) stays the raw error: a 500, logged with it
          if (error) reject((isGrpcServiceError(error) && failureFromGrpc(error)) || error);
          else resolve(response);
        });
      });
  return { client, unary };
}

export function createGrpcClients({
  catalogAddress,
  ordersAddress,
  deadlineMs,
  metrics,
}: GrpcClientsOptions): GrpcClients {
  const catalog = createDownstreamClient(catalogV1.CatalogServiceClient, {
    address: catalogAddress,
    readMethods: ['ListProducts', 'GetProduct'],
    deadlineMs,
    metrics,
  });
  const orders = createDownstreamClient(ordersV1.OrdersServiceClient, {
    address: ordersAddress,
    readMethods: ['ListOrders', 'GetOrder'],
    deadlineMs,
    metrics,
  });

  return {
    catalog: {
      listProducts: catalog.unary(catalog.client.listProducts),
      getProduct: catalog.unary(catalog.client.getProduct),
    },
    watchProducts: () => catalog.client.watchProducts({}),
    orders: {
      placeOrder: orders.unary(orders.client.placeOrder),
      listOrders: orders.unary(orders.client.listOrders),
      getOrder: orders.unary(orders.client.getOrder),
      cancelOrder: orders.unary(orders.client.cancelOrder),
    },
    close() {
      catalog.client.close();
      orders.client.close();
    },
  };
}

// Trace context is added by OpenTelemetry's grpc instrumentation when tracing is on, not here.
function metadataFor(caller: Caller): Metadata {
  const metadata = new Metadata();
  metadata.set(REQUEST_ID_HEADER, caller.requestId);
  if (caller.token) metadata.set('authorization', `Bearer ${caller.token}`);
  return metadata;
}
