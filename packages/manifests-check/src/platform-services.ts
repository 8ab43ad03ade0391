// The services of the platform and the ports CONTRACT.md fixes for them: what the checks hold the manifests to.

export interface PlatformService {
  name: 'gateway' | 'auth' | 'catalog' | 'orders';
  /** The env var that sets the port serving /healthz, /readyz and /metrics, and its contract value. */
  httpPortEnv: 'PORT' | 'OPS_PORT';
  httpPort: number;
  grpcPort?: number;
}

export const platformServices: PlatformService[] = [
  { name: 'gateway', httpPortEnv: 'PORT', httpPort: 8080 },
  { name: 'auth', httpPortEnv: 'PORT', httpPort: 8081 },
  { name: 'catalog', httpPortEnv: 'OPS_PORT', httpPort: 9101, grpcPort: 50051 },
  { name: 'orders', httpPortEnv: 'OPS_PORT', httpPort: 9102, grpcPort: 50052 },
];

export const platformNamespace = 'platform';

/**
 * The calls of the request flow (DESIGN.md), as caller -> callee:port. `ingress` is whatever reaches the public
 * entry: anyone without the mesh, Istio's ingress gateway with it.
 */
export const requestFlow = [
  'ingress->gateway:8080',
  'gateway->auth:8081',
  'gateway->catalog:50051',
  'gateway->orders:50052',
  'orders->catalog:50051',
  'orders->auth:8081',
  'catalog->auth:8081',
  'auth->postgres:5432',
  'catalog->postgres:5432',
  'orders->postgres:5432',
] as const;
