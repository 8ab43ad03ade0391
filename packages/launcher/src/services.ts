// The services `npm start` runs: adding a service is one row here (plus its own package under services/).
export interface ServiceDefinition {
  name: string;
  /** Built entry point, relative to the repo root; run with the launcher's own node. */
  entry: string;
  /** Answers 200 once the service can serve (CONTRACT: GET /readyz on its HTTP or ops port). */
  readyUrl: string;
  /** Gets DATABASE_URL (the embedded server's, unless one was given). */
  usesDatabase?: boolean;
  /** Gets DATA_DIR (the launcher's data directory). */
  usesDataDir?: boolean;
  /**
   * Set over the inherited environment: the ports the contract gives this service, so that a stray `PORT` in the
   * shell cannot move it (or every service onto one port) away from where readyUrl and the gateway look for it.
   */
  env?: Record<string, string>;
}

const readyz = (port: number) => `http://127.0.0.1:${port}/readyz`;

export const SERVICES: readonly ServiceDefinition[] = [
  {
    name: 'auth',
    entry: 'services/auth/dist/main.js',
    readyUrl: readyz(8081),
    usesDatabase: true,
    usesDataDir: true,
    env: { PORT: '8081' },
  },
  {
    name: 'catalog',
    entry: 'services/catalog/dist/main.js',
    readyUrl: readyz(9101),
    usesDatabase: true,
    env: { GRPC_PORT: '50051', OPS_PORT: '9101' },
  },
  {
    name: 'orders',
    entry: 'services/orders/dist/main.js',
    readyUrl: readyz(9102),
    usesDatabase: true,
    env: { GRPC_PORT: '50052', OPS_PORT: '9102' },
  },
  { name: 'gateway', entry: 'services/gateway/dist/main.js', readyUrl: readyz(8080), env: { PORT: '8080' } },
];

/** Where clients reach the platform; printed as localhost for people, used as 127.0.0.1 by programs. */
export const GATEWAY_URL = 'http://127.0.0.1:8080';
