// Stand-ins for the gateway's downstreams in its own tests: real grpc-js servers implementing CatalogService and
// OrdersService from the protos with canned data, and a node:http server answering auth's routes. Each records
// what it received and can be told to fail or hang, so the gateway's side of every exchange can be checked.
// (The real services are exercised through the gateway by the platform's end-to-end suite.)
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  Metadata,
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type sendUnaryData,
  type status,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { catalogV1, ordersV1 } from '@platform/contracts';

export const PRODUCTS: catalogV1.Product[] = [
  {
    id: '0b5e6a3c-1d2f-4e5a-8b9c-0d1e2f3a4b5c',
    sku: 'MUG-BLACK',
    name: 'Black mug',
    description: 'Holds coffee',
    priceCents: 1250,
    currency: 'EUR',
    stock: 10,
  },
  {
    id: '7c8d9e0f-1a2b-4c3d-9e4f-5a6b7c8d9e0f',
    sku: 'TSHIRT-BLUE-M',
    name: 'Blue t-shirt',
    description: '',
    priceCents: 2000,
    currency: 'EUR',
    stock: 0,
  },
];

export const ORDER: ordersV1.Order = {
  id: '3f2e1d0c-9b8a-4765-a432-10fedcba9876',
  status: ordersV1.OrderStatus.ORDER_STATUS_CONFIRMED,
  items: [{ productId: PRODUCTS[0]!.id, quantity: 2, unitPriceCents: 1250 }],
  totalCents: 2500,
  currency: 'EUR',
  createdAt: new Date('2025-01-02T03:04:05.678Z'),
};

export interface ReceivedCall {
  method: string;
  request: unknown;
  metadata: Metadata;
}

/** What the next calls do instead of answering: fail with a status, or never answer. */
export type Misbehaviour =
  | { fail: status; details?: string; times?: number; trailers?: Record<string, string> }
  | { hang: true };

export interface GrpcStandIn {
  readonly address: string;
  readonly calls: ReceivedCall[];
  misbehave(misbehaviour: Misbehaviour | undefined): void;
  /**
   * Stops serving as a service does on SIGTERM (GOAWAY to clients, then the port refuses connections) until
   * start() again on the same port.
   */
  stop(): Promise<void>;
  start(): Promise<void>;
}

type Handler = (request: unknown) => unknown;

async function startGrpcStandIn(
  definition: typeof catalogV1.CatalogServiceService | typeof ordersV1.OrdersServiceService,
  handlers: Record<string, Handler>,
): Promise<GrpcStandIn> {
  const calls: ReceivedCall[] = [];
  let misbehaviour: Misbehaviour | undefined;
  let port = 0;
  let server: Server | undefined;

  const implementation: UntypedServiceImplementation = {};
  for (const [method, handle] of Object.entries(handlers)) {
    implementation[method] = (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
      calls.push({ method, request: call.request, metadata: call.metadata });
      const current = misbehaviour;
      if (current && 'hang' in current) return;
      if (current && 'fail' in current) {
        if (current.times !== undefined && --current.times <= 0) misbehaviour = undefined;
        const metadata = new Metadata();
        for (const [key, value] of Object.entries(current.trailers ?? {})) metadata.set(key, value);
        callback({ code: current.fail, details: current.details ?? 'refused by the stand-in', metadata });
        return;
      }
      callback(null, handle(call.request));
    };
  }

  const start = async () => {
    server = new Server();
    server.addService(definition, implementation);
    port = await new Promise<number>((resolve, reject) =>
      server!.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
  };
  await start();

  return {
    address: `127.0.0.1:${port}`,
    calls,
    misbehave(next) {
      misbehaviour = next;
    },
    async stop() {
      const stopping = server;
      server = undefined;
      if (!stopping) return;
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          stopping.forceShutdown();
          resolve();
        }, 1_000);
        stopping.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
    start,
  };
}

export function startCatalogStandIn(): Promise<GrpcStandIn> {
  return startGrpcStandIn(catalogV1.CatalogServiceService, {
    listProducts: () => ({ products: PRODUCTS }),
    getProduct: (request) => ({ product: PRODUCTS.find((p) => p.id === (request as catalogV1.GetProductRequest).id) }),
    reserveStock: () => ({ reservationId: '', lines: [] }),
    releaseStock: () => ({ released: false }),
  });
}

export function startOrdersStandIn(): Promise<GrpcStandIn> {
  const placed = (request: unknown): ordersV1.Order => {
    const { items } = request as ordersV1.PlaceOrderRequest;
    const lines = items.map((item) => ({ ...item, unitPriceCents: 1250 }));
    return {
      ...ORDER,
      items: lines,
      totalCents: lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0),
    };
  };
  return startGrpcStandIn(ordersV1.OrdersServiceService, {
    placeOrder: (request) => ({ order: placed(request) }),
    listOrders: () => ({
      orders: [ORDER, { ...ORDER, id: 'second', status: ordersV1.OrderStatus.ORDER_STATUS_CANCELLED }],
    }),
    getOrder: () => ({ order: ORDER }),
    cancelOrder: () => ({ order: { ...ORDER, status: ordersV1.OrderStatus.ORDER_STATUS_CANCELLED } }),
  });
}

export interface ReceivedHttpRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface HttpAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface AuthStandIn {
  readonly url: string;
  readonly requests: ReceivedHttpRequest[];
  /** Answers the next requests with this instead (or never, with 'hang'); undefined restores the canned answers. */
  answerWith(answer: HttpAnswer | 'hang' | undefined): void;
  close(): Promise<void>;
}

const CANNED: Record<string, HttpAnswer> = {
  'POST /api/auth/register': { status: 201, body: { id: 'user-1', email: 'ada@example.com', name: 'Ada' } },
  'POST /api/auth/login': {
    status: 200,
    body: { accessToken: 'a.b.c', refreshToken: 'refresh-1', tokenType: 'Bearer', expiresIn: 900 },
  },
  'POST /api/auth/refresh': {
    status: 200,
    body: { accessToken: 'a.b.d', refreshToken: 'refresh-2', tokenType: 'Bearer', expiresIn: 900 },
  },
  'POST /api/auth/logout': { status: 204 },
  'GET /api/auth/me': { status: 200, body: { id: 'user-1', email: 'ada@example.com', name: 'Ada', roles: [] } },
  'GET /.well-known/jwks.json': {
    status: 200,
    body: { keys: [{ kid: 'k1', kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] },
  },
  'GET /.well-known/openid-configuration': {
    status: 200,
    body: {
      issuer: 'http://localhost:8080',
      jwks_uri: 'http://localhost:8080/.well-known/jwks.json',
      response_types_supported: [],
      grant_types_supported: [],
    },
  },
  'GET /.well-known/oauth-authorization-server': {
    status: 200,
    body: {
      issuer: 'http://localhost:8080',
      jwks_uri: 'http://localhost:8080/.well-known/jwks.json',
      response_types_supported: [],
      grant_types_supported: [],
    },
  },
};

/** A node:http server standing in for auth's HTTP routes, on 127.0.0.1 and an ephemeral port. */
export async function startAuthStandIn(): Promise<AuthStandIn> {
  const requests: ReceivedHttpRequest[] = [];
  let override: HttpAnswer | 'hang' | undefined;
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    requests.push({
      method: request.method ?? '',
      url: request.url ?? '',
      headers: request.headers,
      body: Buffer.concat(chunks).toString(),
    });
    if (override === 'hang') return;
    const answer = override ?? CANNED[`${request.method} ${request.url?.split('?')[0]}`] ?? { status: 404 };
    const isProblem = answer.status >= 400;
    const headers: Record<string, string> = {
      'x-request-id': String(request.headers['x-request-id'] ?? 'none'),
      'x-internal-detail': 'auth-internal',
      ...(answer.body === undefined
        ? {}
        : { 'content-type': isProblem ? 'application/problem+json' : 'application/json' }),
      ...answer.headers,
    };
    response.writeHead(answer.status, headers).end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answerWith(answer) {
      override = answer;
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
