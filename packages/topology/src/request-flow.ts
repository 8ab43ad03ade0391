// The request flow: every call between the platform's parts as `caller->callee:port`, what network policies and
// Istio authorization policies must allow, and nothing more. `ingress` is whatever reaches a public entry (anyone
// without the mesh, Istio's ingress gateway with it); `postgres` is the database every service with storage uses.
import { apiRole } from './ports.js';
import type { ServiceEntry } from './service-entry.js';

export const POSTGRES = { name: 'postgres', port: 5432 } as const;
export const INGRESS = 'ingress';

export interface FlowCall {
  from: string;
  to: string;
  port: number;
  why: string;
}

export function flowCalls(list: readonly ServiceEntry[]): FlowCall[] {
  const calls: FlowCall[] = [];
  for (const service of list) {
    const role = apiRole(service);
    if (service.ingress && role) {
      calls.push({ from: INGRESS, to: service.name, port: service.ports[role]!, why: 'its public entry' });
    }
  }
  for (const service of list) {
    for (const call of service.calls) {
      const callee = list.find((s) => s.name === call.service);
      const role = callee && apiRole(callee);
      if (!callee || !role) continue;
      calls.push({ from: service.name, to: callee.name, port: callee.ports[role]!, why: call.why });
    }
    if (service.storage === 'postgres') {
      calls.push({ from: service.name, to: POSTGRES.name, port: POSTGRES.port, why: 'its own database' });
    }
  }
  return calls;
}

/** The flow as `caller->callee:port` strings, the shape the manifest checks compare. */
export const requestFlow = (list: readonly ServiceEntry[]): string[] =>
  flowCalls(list).map((c) => `${c.from}->${c.to}:${c.port}`);
