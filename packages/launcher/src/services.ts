// The services `npm start` runs and the ports that wire them together, derived from the platform's one list
// (@platform/topology): a new service there is a new row here, with its ports, its callees' addresses, its database
// and its secrets, without an edit.
import {
  apiEdge,
  CONTRACT_PORTS,
  callEnv,
  entryPoint,
  inCallOrder,
  listenEnv,
  moduleEntryPoint,
  opsRole,
  type PlatformPorts,
  portIn,
  type ServiceEntry,
  serviceClients,
  services,
} from '@platform/topology';
import { CLIENT_REGISTRY_FILE, clientSecretFile, type ServiceClient } from './service-secrets.js';

export { CONTRACT_PORTS, type PlatformPorts };

export interface ServiceDefinition {
  name: string;
  /** Built entry point (the service's bundle), relative to the repo root; run with the launcher's own node. */
  entry: string;
  /** The same service as tsc's modules (dist/main.js), which `npm run dev` runs; absent, `entry` is run. */
  moduleEntry?: string;
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
  /** Where people open it, printed once the platform is ready (the gateway's API, the storefront's shop). */
  url?: string;
  /** Runs only when asked for (`npm start -- --with-load`), never by default. */
  optional?: boolean;
  /**
   * Set over the inherited environment: the service's own ports and where it finds the others, so that a stray
   * `PORT` in the shell cannot move it (or every service onto one port) away from where the others look for it.
   */
  env?: Record<string, string>;
}

/** The contract's ports moved by `offset`, so a second platform (tests, a benchmark) can run beside `npm start`. */
export function offsetPorts(offset: number, base: PlatformPorts = CONTRACT_PORTS): PlatformPorts {
  const moved = Object.entries(base).map(([name, port]) => [name, port + offset]);
  const ports = Object.fromEntries(moved) as unknown as PlatformPorts;
  if (Object.values<number>(ports).some((port) => port < 1 || port > 65_535)) {
    throw new RangeError(`port offset ${offset} moves a port out of range`);
  }
  return ports;
}

/** The services that call another with their own token (OAuth client credentials from auth), and for whom. */
export const SERVICE_CLIENTS: readonly ServiceClient[] = serviceClients(services);

const local = (port: number | undefined) => `127.0.0.1:${port}`;

/** The launcher's row for one service of the list, on the given ports. */
export function definitionOf(
  service: ServiceEntry,
  ports: PlatformPorts,
  list: readonly ServiceEntry[] = services,
): ServiceDefinition {
  const own = (role: 'http' | 'grpc' | 'ops') => {
    const port = portIn(ports, service, role);
    if (port === undefined) throw new Error(`no ${role} port for ${service.name} among the platform's ports`);
    return port;
  };
  const isClient = service.calls.some((call) => call.asItself);
  const secretFiles = {
    ...(service.tokenIssuer ? { OAUTH_CLIENTS_FILE: CLIENT_REGISTRY_FILE } : {}),
    ...(isClient ? { OAUTH_CLIENT_SECRET_FILE: clientSecretFile(service.name) } : {}),
  };
  return {
    name: service.name,
    entry: entryPoint(service.name),
    moduleEntry: moduleEntryPoint(service.name),
    readyUrl: `http://${local(own(opsRole(service)))}/readyz`,
    ...(service.storage ? { usesDatabase: true } : {}),
    ...(service.dataDir ? { usesDataDir: true } : {}),
    ...(Object.keys(secretFiles).length > 0 ? { secretFiles } : {}),
    ...(service.apiEdge ? { public: true } : {}),
    ...(service.ingress ? { url: `http://${local(own('http'))}` } : {}),
    ...(service.optional ? { optional: true } : {}),
    env: {
      ...listenEnv(service, own),
      ...callEnv(service, list, (callee, role) => local(portIn(ports, callee, role))),
      ...service.processEnv,
    },
  };
}

/**
 * Every service of the list on the given ports, each after the services it calls, so that a service's dependencies
 * are started first (they all start at once; the order shows in the log and the prefixes' colours).
 */
export function servicesFor(ports: PlatformPorts, list: readonly ServiceEntry[] = services): ServiceDefinition[] {
  return inCallOrder(list).map((service) => definitionOf(service, ports, list));
}

export const SERVICES: readonly ServiceDefinition[] = servicesFor(CONTRACT_PORTS);

/** The services `npm start` runs unless asked for more: all but the optional ones (the load generator). */
export const defaultServiceNames = (table: readonly ServiceDefinition[]) =>
  table.filter((s) => !s.optional).map((s) => s.name);

/** Where clients reach the platform's API; printed as localhost for people, used as 127.0.0.1 by programs. */
export const gatewayUrlFor = (ports: PlatformPorts) => `http://${local(portIn(ports, apiEdge(services), 'http'))}`;
export const GATEWAY_URL = gatewayUrlFor(CONTRACT_PORTS);
