// Every port of the platform under one flat key per port: a service's HTTP port under its own name (`gateway`),
// its other ports with the role appended (`catalogGrpc`, `catalogOps`). The type is computed from the list, so
// a key that does not exist is a compile error and a new service's ports appear without an edit.
import { camelName } from './naming.js';
import type { PortRole, ServiceEntry } from './service-entry.js';
import { type PlatformService, services } from './services.js';

type Camel<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;
type KeyOf<Name extends string, Role extends string> = Role extends 'http'
  ? Camel<Name>
  : `${Camel<Name>}${Capitalize<Role>}`;
type PortKeysOf<S> = S extends { name: infer N extends string; ports: infer P }
  ? { [R in keyof P & string]: KeyOf<N, R> }[keyof P & string]
  : never;

/** Every port of the platform by key. */
export type PlatformPorts = Record<PortKeysOf<PlatformService>, number>;

const ROLES: readonly PortRole[] = ['http', 'grpc', 'ops'];

/** The key of one port: `gateway`, `catalogGrpc`, `loadgenOps`. */
export function portKey(name: string, role: PortRole): string {
  const camel = camelName(name);
  return role === 'http' ? camel : `${camel}${role[0]?.toUpperCase()}${role.slice(1)}`;
}

/** The ports of one service that it has, in a fixed order (http, grpc, ops). */
export function portsOf(service: ServiceEntry): { role: PortRole; port: number }[] {
  return ROLES.flatMap((role) => {
    const port = service.ports[role];
    return port === undefined ? [] : [{ role, port }];
  });
}

/** The contract's ports of every service, by key. */
export function contractPortsOf(list: readonly ServiceEntry[]): Record<string, number> {
  return Object.fromEntries(list.flatMap((s) => portsOf(s).map(({ role, port }) => [portKey(s.name, role), port])));
}

export const CONTRACT_PORTS = contractPortsOf(services) as PlatformPorts;

/** One port of a service out of a platform's port map (moved by an offset or not); undefined if it has none. */
export function portIn(
  ports: Readonly<Record<string, number>>,
  service: ServiceEntry,
  role: PortRole,
): number | undefined {
  return service.ports[role] === undefined ? undefined : ports[portKey(service.name, role)];
}

/** The port that answers /healthz, /readyz and /metrics: the HTTP port, or the ops port beside an API. */
export const opsRole = (service: ServiceEntry): PortRole => (service.kind === 'http' ? 'http' : 'ops');

/** The port others call it on: its gRPC port, or its HTTP port; a worker takes no calls. */
export const apiRole = (service: ServiceEntry): PortRole | undefined =>
  service.kind === 'grpc' ? 'grpc' : service.kind === 'http' ? 'http' : undefined;

/** The variable that sets a port in the service's own config. */
export function portVariable(service: ServiceEntry, role: PortRole): string {
  if (role === 'grpc') return 'GRPC_PORT';
  return service.kind === 'http' ? 'PORT' : 'OPS_PORT';
}
