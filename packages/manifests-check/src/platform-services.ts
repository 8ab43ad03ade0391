// The services of the platform as the checks hold the manifests to them: the platform's one list
// (@platform/topology), with its ports, request flow and public API in the shapes the checks compare.
import {
  examplePath,
  inCallOrder,
  opsRole,
  publicApi as publicApiOf,
  requestFlow as requestFlowOf,
  type ServiceEntry,
  services,
} from '@platform/topology';

/** The list's services, each after those it calls: every one is deployed (the load generator with 0 replicas). */
export const deployedServices: readonly ServiceEntry[] = inCallOrder(services);

export interface PlatformService {
  name: string;
  /** The env var that sets the port serving /healthz, /readyz and /metrics, and its contract value. */
  httpPortEnv: 'PORT' | 'OPS_PORT';
  httpPort: number;
  grpcPort?: number;
  /**
   * Runs only when asked for (`optional` in the list: the load generator): a Deployment of 0 replicas that an
   * operator scales, so no autoscaler or disruption budget; nothing calls it, so no Service and no preStop wait for
   * endpoint removal.
   */
  onDemand?: true;
}

export const platformServices: PlatformService[] = deployedServices.map((s) => ({
  name: s.name,
  httpPortEnv: s.kind === 'http' ? 'PORT' : 'OPS_PORT',
  httpPort: s.ports[opsRole(s)]!,
  ...(s.ports.grpc === undefined ? {} : { grpcPort: s.ports.grpc }),
  ...(s.optional ? { onDemand: true as const } : {}),
}));

export const platformNamespace = 'platform';

/**
 * The calls of the request flow, as caller -> callee:port. `ingress` is whatever reaches a public entry: anyone
 * without the mesh, Istio's ingress gateway with it.
 */
export const requestFlow: readonly string[] = requestFlowOf(deployedServices);

/** A request of the public API (docs/contract.md) as the edge sees it, to follow through the ingress routes. */
export interface PublicRequest {
  method: string;
  path: string;
  /** Carries a bearer token the gateway checks (the protected routes). */
  bearer: boolean;
  /** Safe to send twice: the edge may retry it. */
  idempotent: boolean;
}

export const publicApi: PublicRequest[] = publicApiOf(deployedServices).map((route) => ({
  method: route.method,
  path: examplePath(route.path),
  bearer: route.bearer,
  idempotent: route.idempotent,
}));

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
