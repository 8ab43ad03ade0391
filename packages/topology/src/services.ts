// The platform's services, listed once. The launcher, the gateway's downstream addresses, manifests-check, the
// secrets scripts and the PostgreSQL init derive from this list; compose, the Kubernetes base, the Istio and network
// policies and Prometheus are checked against it by `npm test`. `npm run new:service -- <name>` adds an entry here.
import type { ServiceEntry } from './service-entry.js';

const JWKS = '/.well-known/jwks.json';

export const services = [
  {
    name: 'gateway',
    summary: 'the only entry of the public API: HTTP, JWT check, REST to gRPC',
    kind: 'http',
    ports: { http: 8080 },
    apiEdge: true,
    ingress: { paths: ['/api', '/.well-known'] },
    calls: [
      {
        service: 'auth',
        why: 'the auth routes, and the JWKS it checks tokens with',
        env: { AUTH_URL: '', JWKS_URL: JWKS },
      },
      { service: 'catalog', why: 'product reads' },
      { service: 'orders', why: 'the orders API' },
      // new:service gateway calls (the generator adds the new service's call above this line)
    ],
    replicas: { min: 2, max: 5 },
  },
  {
    name: 'auth',
    summary: 'identity: users, passwords, JWT issuer, JWKS, client credentials',
    kind: 'http',
    ports: { http: 8081 },
    storage: 'postgres',
    dataDir: true,
    tokenIssuer: true,
    calls: [],
    publicRoutes: [
      { method: 'POST', path: '/api/auth/register', bearer: false, idempotent: false },
      { method: 'POST', path: '/api/auth/login', bearer: false, idempotent: false },
      { method: 'POST', path: '/api/auth/refresh', bearer: false, idempotent: false },
      { method: 'POST', path: '/api/auth/logout', bearer: false, idempotent: false },
      { method: 'GET', path: '/api/auth/me', bearer: true, idempotent: true },
      { method: 'GET', path: '/.well-known/jwks.json', bearer: false, idempotent: true },
      { method: 'GET', path: '/.well-known/openid-configuration', bearer: false, idempotent: true },
      { method: 'GET', path: '/.well-known/oauth-authorization-server', bearer: false, idempotent: true },
    ],
    replicas: { min: 2, max: 5 },
    // the gateway reaches auth over loopback and names the client in X-Forwarded-For; nobody else's is believed
    processEnv: { TRUSTED_PROXIES: 'loopback' },
  },
  {
    name: 'catalog',
    summary: 'products and stock',
    kind: 'grpc',
    ports: { grpc: 50051, ops: 9101 },
    storage: 'postgres',
    calls: [{ service: 'auth', why: 'the JWKS it checks tokens with', env: { JWKS_URL: JWKS } }],
    publicRoutes: [
      { method: 'GET', path: '/api/catalog/products', bearer: false, idempotent: true },
      { method: 'GET', path: '/api/catalog/products/:id', bearer: false, idempotent: true },
    ],
    replicas: { min: 2, max: 5 },
  },
  {
    name: 'orders',
    summary: 'orders of a user; holds and releases stock in catalog',
    kind: 'grpc',
    ports: { grpc: 50052, ops: 9102 },
    storage: 'postgres',
    calls: [
      { service: 'catalog', why: 'stock holds, confirmations and releases, as itself', asItself: true },
      {
        service: 'auth',
        why: 'the JWKS, and its own client-credentials token',
        env: { JWKS_URL: JWKS, OAUTH_TOKEN_URL: '/oauth/token' },
      },
    ],
    publicRoutes: [
      { method: 'POST', path: '/api/orders', bearer: true, idempotent: false },
      { method: 'GET', path: '/api/orders', bearer: true, idempotent: true },
      { method: 'GET', path: '/api/orders/:id', bearer: true, idempotent: true },
      { method: 'POST', path: '/api/orders/:id/cancel', bearer: true, idempotent: false },
    ],
    replicas: { min: 2, max: 5 },
  },
  {
    name: 'storefront',
    summary: 'the web shop for browsers: server-side sessions, calls the public API',
    kind: 'http',
    ports: { http: 8082 },
    // its sessions
    storage: 'postgres',
    ingress: { paths: ['/'] },
    calls: [{ service: 'gateway', why: 'every page is built from the public API' }],
    replicas: { min: 2, max: 5 },
  },
  {
    name: 'loadgen',
    summary: 'simulated shoppers that keep the dashboards alive (off unless asked for)',
    kind: 'worker',
    ports: { ops: 9103 },
    optional: true,
    calls: [{ service: 'gateway', why: 'shoppers use the public API' }],
    replicas: 0,
  },
  // new:service entries (the generator adds a new service above this line)
] as const satisfies readonly ServiceEntry[];

export type PlatformService = (typeof services)[number];
export type ServiceName = PlatformService['name'];
