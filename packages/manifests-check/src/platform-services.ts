// The services of the platform and the ports CONTRACT.md fixes for them: what the checks hold the manifests to.

export interface PlatformService {
  name: 'gateway' | 'auth' | 'catalog' | 'orders' | 'storefront' | 'loadgen';
  /** The env var that sets the port serving /healthz, /readyz and /metrics, and its contract value. */
  httpPortEnv: 'PORT' | 'OPS_PORT';
  httpPort: number;
  grpcPort?: number;
  /**
   * Runs only when asked for (the load generator): a Deployment of 0 replicas that an operator scales, so no
   * autoscaler or disruption budget; nothing calls it, so no Service and no preStop wait for endpoint removal.
   */
  onDemand?: true;
}

export const platformServices: PlatformService[] = [
  { name: 'gateway', httpPortEnv: 'PORT', httpPort: 8080 },
  { name: 'auth', httpPortEnv: 'PORT', httpPort: 8081 },
  { name: 'catalog', httpPortEnv: 'OPS_PORT', httpPort: 9101, grpcPort: 50051 },
  { name: 'orders', httpPortEnv: 'OPS_PORT', httpPort: 9102, grpcPort: 50052 },
  { name: 'storefront', httpPortEnv: 'PORT', httpPort: 8082 },
  { name: 'loadgen', httpPortEnv: 'OPS_PORT', httpPort: 9103, onDemand: true },
];

export const platformNamespace = 'platform';

/**
 * The calls of the request flow (DESIGN.md), as caller -> callee:port. `ingress` is whatever reaches the public
 * entry: anyone without the mesh, Istio's ingress gateway with it. The storefront and the load generator call the
 * gateway's public API (and its /healthz, for their readiness) from inside, as any client would.
 */
export const requestFlow = [
  'ingress->gateway:8080',
  'ingress->storefront:8082',
  'storefront->gateway:8080',
  'loadgen->gateway:8080',
  'gateway->auth:8081',
  'gateway->catalog:50051',
  'gateway->orders:50052',
  'orders->catalog:50051',
  'orders->auth:8081',
  'catalog->auth:8081',
  'auth->postgres:5432',
  'catalog->postgres:5432',
  'orders->postgres:5432',
  'storefront->postgres:5432',
] as const;

/** A request of the public API (CONTRACT.md) as the edge sees it, to follow through the ingress routes. */
export interface PublicRequest {
  method: string;
  path: string;
  /** Carries a bearer token the gateway checks (the protected routes). */
  bearer: boolean;
  /** Safe to send twice: the edge may retry it. */
  idempotent: boolean;
}

export const publicApi: PublicRequest[] = [
  { method: 'POST', path: '/api/auth/register', bearer: false, idempotent: false },
  { method: 'POST', path: '/api/auth/login', bearer: false, idempotent: false },
  { method: 'POST', path: '/api/auth/refresh', bearer: false, idempotent: false },
  { method: 'POST', path: '/api/auth/logout', bearer: false, idempotent: false },
  { method: 'GET', path: '/api/auth/me', bearer: true, idempotent: true },
  { method: 'GET', path: '/.well-known/jwks.json', bearer: false, idempotent: true },
  { method: 'GET', path: '/.well-known/openid-configuration', bearer: false, idempotent: true },
  { method: 'GET', path: '/.well-known/oauth-authorization-server', bearer: false, idempotent: true },
  { method: 'GET', path: '/api/catalog/products', bearer: false, idempotent: true },
  {
    method: 'GET',
    path: '/api/catalog/products/0b6e3c1e-4f5a-4d7e-9c2b-1f2e3d4c5b6a',
    bearer: false,
    idempotent: true,
  },
  { method: 'POST', path: '/api/orders', bearer: true, idempotent: false },
  { method: 'GET', path: '/api/orders', bearer: true, idempotent: true },
  { method: 'GET', path: '/api/orders/0b6e3c1e-4f5a-4d7e-9c2b-1f2e3d4c5b6a', bearer: true, idempotent: true },
  { method: 'POST', path: '/api/orders/0b6e3c1e-4f5a-4d7e-9c2b-1f2e3d4c5b6a/cancel', bearer: true, idempotent: false },
];

/**
 * What a browser asks the shop (services/storefront, "route" table), as the edge sees it: every one reaches
 * storefront:8082 through every way in. Page loads may be retried at the edge; forms never.
 */
export const shopPages: PublicRequest[] = [
  { method: 'GET', path: '/', bearer: false, idempotent: true },
  { method: 'GET', path: '/products/0b6e3c1e-4f5a-4d7e-9c2b-1f2e3d4c5b6a', bearer: false, idempotent: true },
  { method: 'GET', path: '/register', bearer: false, idempotent: true },
  { method: 'POST', path: '/register', bearer: false, idempotent: false },
  { method: 'GET', path: '/login?next=/orders', bearer: false, idempotent: true },
  { method: 'POST', path: '/login', bearer: false, idempotent: false },
  { method: 'POST', path: '/logout', bearer: false, idempotent: false },
  { method: 'GET', path: '/orders', bearer: false, idempotent: true },
  { method: 'POST', path: '/orders', bearer: false, idempotent: false },
  { method: 'GET', path: '/orders/0b6e3c1e-4f5a-4d7e-9c2b-1f2e3d4c5b6a', bearer: false, idempotent: true },
  { method: 'POST', path: '/orders/0b6e3c1e-4f5a-4d7e-9c2b-1f2e3d4c5b6a/cancel', bearer: false, idempotent: false },
  { method: 'GET', path: '/static/storefront.css', bearer: false, idempotent: true },
];

/** Paths every HTTP port serves for operators only: no public route may reach them. */
export const opsPaths = ['/healthz', '/readyz', '/metrics'];

/** gRPC methods with no side effect, which the mesh may retry; every other method of the protos is retried never. */
export const idempotentGrpcMethods = [
  '/platform.catalog.v1.CatalogService/ListProducts',
  '/platform.catalog.v1.CatalogService/GetProduct',
  '/platform.orders.v1.OrdersService/ListOrders',
  '/platform.orders.v1.OrdersService/GetOrder',
];
