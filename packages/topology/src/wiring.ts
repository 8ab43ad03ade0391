// The variables that wire a service into the platform: the ports it listens on and the addresses of what it calls.
// The same rule for every way the platform runs; only where a service is found differs (127.0.0.1 and a port in
// process mode, the service's name in compose, its cluster DNS name in Kubernetes).
import { envPrefix } from './naming.js';
import { apiRole, portsOf, portVariable } from './ports.js';
import type { Call, PortRole, ServiceEntry } from './service-entry.js';

/** Where a service's port is reached from its callers: `host:port`. */
export type Locate = (service: ServiceEntry, role: PortRole) => string;

/** The variables that set the ports it listens on (`PORT`, or `GRPC_PORT` and `OPS_PORT`). */
export function listenEnv(service: ServiceEntry, port: (role: PortRole) => number): Record<string, string> {
  return Object.fromEntries(portsOf(service).map(({ role }) => [portVariable(service, role), String(port(role))]));
}

/** The variables one call sets: the callee's address, or the URLs the call names. */
export function callVariables(call: Call, callee: ServiceEntry, locate: Locate): Record<string, string> {
  const role = apiRole(callee);
  if (role === undefined) throw new Error(`${callee.name} is a worker: nothing can call it`);
  const address = locate(callee, role);
  if (call.env) {
    return Object.fromEntries(Object.entries(call.env).map(([name, path]) => [name, `http://${address}${path}`]));
  }
  return role === 'grpc'
    ? { [`${envPrefix(callee.name)}_ADDR`]: address }
    : { [`${envPrefix(callee.name)}_URL`]: `http://${address}` };
}

/** Every variable that tells a service where its callees are. */
export function callEnv(service: ServiceEntry, list: readonly ServiceEntry[], locate: Locate): Record<string, string> {
  const env: Record<string, string> = {};
  for (const call of service.calls) {
    const callee = list.find((s) => s.name === call.service);
    if (!callee) throw new Error(`${service.name} calls ${call.service}, which is not in the list`);
    Object.assign(env, callVariables(call, callee, locate));
  }
  return env;
}
