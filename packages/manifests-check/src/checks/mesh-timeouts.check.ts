// The mesh's timeouts wrap the services' own deadlines with a margin: every route a caller's gRPC call can take
// times out at least `timeoutMarginMs` after the caller's GRPC_DEADLINE_MS (so the caller's deadline fires first and
// it answers with its own error, instead of racing Envoy), and at most twice the deadline (so the mesh still ends a
// call nobody waits for). The ingress waits longer than the gateway's own calls, and on the shop's routes longer than
// one of the storefront's calls to the gateway (GATEWAY_TIMEOUT_MS). A streaming method (WatchProducts) lasts as long
// as both sides do: its route must not time out at all (`timeout: 0s`), or the mesh would cut every stream.
import { grpcMethods, streamingGrpcMethods } from '../grpc-methods.js';
import { type IstioRoute, istioDestinations, istioIngressRoutes, istioRouteFor } from '../ingress-routing.js';
import { type KubeObject, ofKind, ref } from '../kube-object.js';
import { platformServices, requestFlow } from '../platform-services.js';
import { serviceEnv } from './jwt.check.js';

export const timeoutMarginMs = 250;

export const milliseconds = (duration: string | undefined): number | undefined => {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(duration ?? '');
  if (!match) return undefined;
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000 }[match[2] as 'ms' | 's' | 'm'];
};

export function checkMeshTimeouts(objects: KubeObject[]): string[] {
  const problems: string[] = [];
  let longestGatewayCall = 0;
  for (const target of platformServices.filter((s) => s.grpcPort !== undefined)) {
    const vs = ofKind(objects, 'VirtualService').find((v) =>
      ((v.spec as { hosts?: string[] }).hosts ?? []).some((h) => h.startsWith(`${target.name}.`)),
    );
    if (!vs) {
      problems.push(`VirtualService: none for ${target.name}`);
      continue;
    }
    const callers = requestFlow.filter((c) => c.includes(`->${target.name}:`)).map((c) => c.split('->')[0] ?? '');
    const streaming = streamingGrpcMethods(target.name);
    for (const caller of callers) {
      const deadline = Number(serviceEnv(objects, caller).get('GRPC_DEADLINE_MS'));
      const seen = new Set<IstioRoute>();
      for (const method of grpcMethods(target.name)) {
        const route = istioRouteFor(vs, { method: 'POST', path: method, sourceLabels: { app: caller } });
        if (!route) {
          problems.push(`${ref(vs)}: no route takes ${caller}'s ${method}`);
          continue;
        }
        if (streaming.includes(method)) {
          if (milliseconds(route.timeout) !== 0)
            problems.push(
              `${ref(vs)}: route ${route.name ?? '(unnamed)'} for ${caller}'s stream ${method} times out after ${route.timeout ?? "Istio's default"}: it would cut the stream; give it timeout: 0s`,
            );
          continue;
        }
        if (seen.has(route)) continue;
        seen.add(route);
        const timeout = milliseconds(route.timeout);
        const at = `${ref(vs)}: route ${route.name ?? '(unnamed)'} for ${caller}`;
        if (timeout === undefined || !(deadline > 0)) {
          problems.push(
            `${at} times out after ${route.timeout ?? 'nothing'}, ${caller}'s GRPC_DEADLINE_MS is ${deadline}`,
          );
          continue;
        }
        if (caller === 'gateway') longestGatewayCall = Math.max(longestGatewayCall, timeout);
        if (timeout < deadline + timeoutMarginMs)
          problems.push(
            `${at} times out after ${route.timeout}, not ${timeoutMarginMs} ms above ${caller}'s GRPC_DEADLINE_MS ${deadline}: Envoy and the caller race`,
          );
        if (timeout > 2 * deadline)
          problems.push(`${at} times out after ${route.timeout}, over twice ${caller}'s deadline ${deadline} ms`);
      }
    }
  }
  const gatewayDeadline = Number(serviceEnv(objects, 'gateway').get('GRPC_DEADLINE_MS'));
  const floor = Math.max(gatewayDeadline + timeoutMarginMs, longestGatewayCall);
  const shopFloor = Number(serviceEnv(objects, 'storefront').get('GATEWAY_TIMEOUT_MS') ?? 5000) + timeoutMarginMs;
  for (const vs of istioIngressRoutes(objects)) {
    for (const route of ((vs.spec as { http?: IstioRoute[] }).http ?? []).filter((r) => r.route)) {
      const timeout = milliseconds(route.timeout);
      if (timeout === undefined || timeout <= floor) {
        problems.push(
          `${ref(vs)}: route ${route.name} gives up (${route.timeout ?? 'never'}) before the gateway's own calls (${floor} ms)`,
        );
      }
      const toShop = istioDestinations(route).some((d) => 'service' in d && d.service === 'storefront');
      if (toShop && (timeout === undefined || timeout < shopFloor)) {
        problems.push(
          `${ref(vs)}: route ${route.name} gives up (${route.timeout ?? 'never'}) before one of the storefront's calls to the gateway (${shopFloor} ms)`,
        );
      }
    }
  }
  return problems;
}
