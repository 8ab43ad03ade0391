// The mesh's timeouts agree with the services' own deadlines: a call's route timeout is its caller's
// GRPC_DEADLINE_MS, a try never outlives the call, and the ingress waits longer than the gateway does.
import { type KubeObject, ofKind, ref } from '../kube-object.js';
import { requestFlow } from '../platform-services.js';
import { serviceEnv } from './jwt.check.js';

interface HttpRoute {
  name?: string;
  match?: { sourceLabels?: Record<string, string> }[];
  timeout?: string;
  retries?: { attempts?: number; perTryTimeout?: string; retryOn?: string };
}

const milliseconds = (duration: string | undefined): number | undefined => {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(duration ?? '');
  if (!match) return undefined;
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000 }[match[2] as 'ms' | 's' | 'm'];
};

export function checkMeshTimeouts(objects: KubeObject[]): string[] {
  const problems: string[] = [];
  for (const target of ['catalog', 'orders']) {
    const vs = ofKind(objects, 'VirtualService').find((v) =>
      ((v.spec as { hosts?: string[] }).hosts ?? []).some((h) => h.startsWith(`${target}.`)),
    );
    if (!vs) {
      problems.push(`VirtualService: none for ${target}`);
      continue;
    }
    const callers = requestFlow
      .filter((call) => call.includes(`->${target}:`))
      .map((call) => call.split('->')[0] as string);
    const routes = (vs.spec as { http?: HttpRoute[] }).http ?? [];
    for (const caller of callers) {
      // the route Envoy picks for this caller: the first whose match fits it
      const route = routes.find(
        (r) => !r.match || r.match.some((m) => !m.sourceLabels || m.sourceLabels.app === caller),
      );
      const deadline = Number(serviceEnv(objects, caller).get('GRPC_DEADLINE_MS'));
      const timeout = milliseconds(route?.timeout);
      if (!route || timeout !== deadline) {
        problems.push(
          `${ref(vs)}: calls from ${caller} time out after ${route?.timeout ?? 'nothing'}, ${caller}'s GRPC_DEADLINE_MS is ${deadline}`,
        );
        continue;
      }
      const perTry = milliseconds(route.retries?.perTryTimeout);
      if (route.retries && (perTry === undefined || perTry > timeout)) {
        problems.push(
          `${ref(vs)}: a try from ${caller} may last ${route.retries.perTryTimeout}, longer than the call's ${route.timeout}`,
        );
      }
    }
  }
  const gatewayDeadline = Number(serviceEnv(objects, 'gateway').get('GRPC_DEADLINE_MS'));
  for (const vs of ofKind(objects, 'VirtualService').filter((v) => (v.spec as { gateways?: string[] }).gateways)) {
    for (const route of ((vs.spec as { http?: HttpRoute[] }).http ?? []).filter((r) => r.timeout)) {
      if ((milliseconds(route.timeout) ?? 0) <= gatewayDeadline) {
        problems.push(
          `${ref(vs)}: route ${route.name} gives up (${route.timeout}) before the gateway's own ${gatewayDeadline} ms deadline`,
        );
      }
    }
  }
  return problems;
}
