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

/**
 * Services of the list that the manifests do not deploy yet: branch storefront-wiring adds them to compose,
 * Kubernetes and Istio. The checks leave them out until then, and `topology.test.ts` fails as soon as they are
 * deployed, so that this set is emptied then rather than forgotten.
 */
export const pendingServices: ReadonlySet<string> = new Set(['storefront', 'loadgen']);

/** The list's services that the manifests deploy, each after those it calls. */
export const deployedServices: readonly ServiceEntry[] = inCallOrder(
  services.filter((s) => !pendingServices.has(s.name)),
);

export interface PlatformService {
  name: string;
  /** The env var that sets the port serving /healthz, /readyz and /metrics, and its contract value. */
  httpPortEnv: 'PORT' | 'OPS_PORT';
  httpPort: number;
  grpcPort?: number;
}

export const platformServices: PlatformService[] = deployedServices.map((s) => ({
  name: s.name,
  httpPortEnv: s.kind === 'http' ? 'PORT' : 'OPS_PORT',
  httpPort: s.ports[opsRole(s)]!,
  ...(s.ports.grpc === undefined ? {} : { grpcPort: s.ports.grpc }),
}));

export const platformNamespace = 'platform';

/**
 * The calls of the request flow, as caller -> callee:port. `ingress` is whatever reaches a public entry: anyone
 * without the mesh, Istio's ingress gateway with it.
 */
export const requestFlow: readonly string[] = requestFlowOf(deployedServices);

/** A request of the public API (CONTRACT.md) as the edge sees it, to follow through the ingress routes. */
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

/** Paths every HTTP port serves for operators only: no public route may reach them. */
export const opsPaths = ['/healthz', '/readyz', '/metrics'];

/** gRPC methods with no side effect, which the mesh may retry; every other method of the protos is retried never. */
export const idempotentGrpcMethods = [
  '/platform.catalog.v1.CatalogService/ListProducts',
  '/platform.catalog.v1.CatalogService/GetProduct',
  '/platform.orders.v1.OrdersService/ListOrders',
  '/platform.orders.v1.OrdersService/GetOrder',
];
