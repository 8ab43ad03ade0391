// The services `npm start` runs and the ports that wire them together: adding a service is one row here (plus
// its own package under services/).
import { CLIENT_REGISTRY_FILE, clientSecretFile, type ServiceClient } from './service-secrets.js';

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
  /** Variables that name a file of DATA_DIR/secrets (service-secrets.ts), e.g. `OAUTH_CLIENTS_FILE`. */
  secretFiles?: Record<string, string>;
  /** The platform's entry for clients: listens on the launcher's GATEWAY_HOST when set (the others stay on HOST). */
  public?: boolean;
  /**
   * Set over the inherited environment: the service's own ports and where it finds the others, so that a stray
   * `PORT` in the shell cannot move it (or every service onto one port) away from where the others look for it.
   */
  env?: Record<string, string>;
}

/** Every port of the platform; the contract fixes CONTRACT_PORTS, tests and benchmarks may shift them. */
export interface PlatformPorts {
  gateway: number;
  auth: number;
  catalogGrpc: number;
  catalogOps: number;
  ordersGrpc: number;
  ordersOps: number;
}

export const CONTRACT_PORTS: PlatformPorts = {
  gateway: 8080,
  auth: 8081,
  catalogGrpc: 50051,
  catalogOps: 9101,
  ordersGrpc: 50052,
  ordersOps: 9102,
};

/** The contract's ports moved by `offset`, so a second platform (tests, a benchmark) can run beside `npm start`. */
export function offsetPorts(offset: number, base: PlatformPorts = CONTRACT_PORTS): PlatformPorts {
  const moved = Object.entries(base).map(([name, port]) => [name, port + offset]);
  const ports = Object.fromEntries(moved) as unknown as PlatformPorts;
  if (Object.values(ports).some((port) => port < 1 || port > 65_535)) {
    throw new RangeError(`port offset ${offset} moves a port out of range`);
  }
  return ports;
}

/** The services that call another with their own token (OAuth client credentials from auth), and for whom. */
export const SERVICE_CLIENTS: readonly ServiceClient[] = [{ clientId: 'orders', audiences: ['catalog'] }];

const local = (port: number) => `127.0.0.1:${port}`;
const readyz = (port: number) => `http://${local(port)}/readyz`;

export function servicesFor(ports: PlatformPorts): ServiceDefinition[] {
  const jwksUrl = `http://${local(ports.auth)}/.well-known/jwks.json`;
  return [
    {
      name: 'auth',
      entry: 'services/auth/dist/main.js',
      readyUrl: readyz(ports.auth),
      usesDatabase: true,
      usesDataDir: true,
      secretFiles: { OAUTH_CLIENTS_FILE: CLIENT_REGISTRY_FILE },
      // the gateway reaches auth over loopback: its X-Forwarded-For names the client; nobody else's is believed
      env: { PORT: String(ports.auth), TRUSTED_PROXIES: 'loopback' },
    },
    {
      name: 'catalog',
      entry: 'services/catalog/dist/main.js',
      readyUrl: readyz(ports.catalogOps),
      usesDatabase: true,
      env: { GRPC_PORT: String(ports.catalogGrpc), OPS_PORT: String(ports.catalogOps), JWKS_URL: jwksUrl },
    },
    {
      name: 'orders',
      entry: 'services/orders/dist/main.js',
      readyUrl: readyz(ports.ordersOps),
      usesDatabase: true,
      secretFiles: { OAUTH_CLIENT_SECRET_FILE: clientSecretFile('orders') },
      env: {
        GRPC_PORT: String(ports.ordersGrpc),
        OPS_PORT: String(ports.ordersOps),
        CATALOG_ADDR: local(ports.catalogGrpc),
        JWKS_URL: jwksUrl,
        OAUTH_TOKEN_URL: `http://${local(ports.auth)}/oauth/token`,
      },
    },
    {
      name: 'gateway',
      entry: 'services/gateway/dist/main.js',
      readyUrl: readyz(ports.gateway),
      public: true,
      env: {
        PORT: String(ports.gateway),
        AUTH_URL: `http://${local(ports.auth)}`,
        CATALOG_ADDR: local(ports.catalogGrpc),
        ORDERS_ADDR: local(ports.ordersGrpc),
        JWKS_URL: jwksUrl,
      },
    },
  ];
}

export const SERVICES: readonly ServiceDefinition[] = servicesFor(CONTRACT_PORTS);

/** Where clients reach the platform; printed as localhost for people, used as 127.0.0.1 by programs. */
export const gatewayUrlFor = (ports: PlatformPorts) => `http://${local(ports.gateway)}`;
export const GATEWAY_URL = gatewayUrlFor(CONTRACT_PORTS);
