// Under Linkerd (the namespace annotated linkerd.io/inject), the same rules as under Istio, read from where Linkerd
// takes them: every gRPC method a caller uses has a GRPCRoute (with a Service parent) whose timeout.linkerd.io/request
// wraps the caller's deadline with the margin, only routes of idempotent methods carry retry.linkerd.io/* annotations,
// and the OTLP export skips the proxy (config.linkerd.io/skip-outbound-ports).
import { grpcMethods, streamingGrpcMethods } from '../grpc-methods.js';
import { containerEnv, find, type KubeObject, ofKind, ref, workloads } from '../kube-object.js';
import { idempotentGrpcMethods, platformNamespace, platformServices, requestFlow } from '../platform-services.js';
import { serviceEnv } from './jwt.check.js';
import { milliseconds, timeoutMarginMs } from './mesh-timeouts.check.js';

interface GrpcRouteSpec {
  parentRefs?: { kind?: string; name: string }[];
  rules?: { matches?: { method?: { service?: string; method?: string } }[] }[];
}

const methodsOf = (route: KubeObject): string[] =>
  ((route.spec as GrpcRouteSpec).rules ?? []).flatMap((rule) =>
    (rule.matches ?? []).map((m) => `/${m.method?.service ?? '*'}/${m.method?.method ?? '*'}`),
  );

export const meshedByLinkerd = (objects: KubeObject[]): boolean =>
  find(objects, 'Namespace', platformNamespace)?.metadata.annotations?.['linkerd.io/inject'] === 'enabled';

export function checkLinkerdRoutes(objects: KubeObject[]): string[] {
  if (!meshedByLinkerd(objects)) return [];
  const problems: string[] = [];
  const routes = ofKind(objects, 'GRPCRoute');
  for (const route of routes) {
    const retries = Object.keys(route.metadata.annotations ?? {}).some((k) => k.startsWith('retry.linkerd.io/'));
    const writes = methodsOf(route).filter((m) => !idempotentGrpcMethods.includes(m));
    if (retries && writes.length > 0)
      problems.push(`${ref(route)}: retries ${writes.join(', ')}, which is not idempotent`);
  }
  for (const target of platformServices.filter((s) => s.grpcPort !== undefined)) {
    const callers = requestFlow.filter((c) => c.includes(`->${target.name}:`)).map((c) => c.split('->')[0] ?? '');
    for (const method of grpcMethods(target.name)) {
      const route = routes.find(
        (r) =>
          ((r.spec as GrpcRouteSpec).parentRefs ?? []).some((p) => p.kind === 'Service' && p.name === target.name) &&
          methodsOf(r).includes(method),
      );
      if (!route) {
        problems.push(`GRPCRoute: none for ${method}, so Linkerd applies no timeout to it`);
        continue;
      }
      const timeout = milliseconds(route.metadata.annotations?.['timeout.linkerd.io/request']);
      // a stream (WatchProducts) lasts as long as both sides do: no request timeout may cut it
      if (streamingGrpcMethods(target.name).includes(method)) {
        if (route.metadata.annotations?.['timeout.linkerd.io/request'] !== undefined)
          problems.push(
            `${ref(route)}: the stream ${method} times out after ${route.metadata.annotations['timeout.linkerd.io/request']}: it would cut the stream`,
          );
        continue;
      }
      // stock changes come from orders alone; reads from the gateway (requestFlow does not say which method whom)
      const deadlines = callers
        .map((caller) => Number(serviceEnv(objects, caller).get('GRPC_DEADLINE_MS')))
        .filter((d) => d > 0);
      // a method nobody calls yet has no caller's deadline to wrap
      if (deadlines.length === 0) continue;
      const deadline = idempotentGrpcMethods.includes(method) ? Math.max(...deadlines) : Math.min(...deadlines);
      if (timeout === undefined || timeout < deadline + timeoutMarginMs || timeout > 2 * deadline)
        problems.push(
          `${ref(route)}: ${method} times out after ${route.metadata.annotations?.['timeout.linkerd.io/request'] ?? 'nothing'}, not ${timeoutMarginMs} ms to twice above its caller's ${deadline} ms deadline`,
        );
    }
  }
  for (const w of workloads(objects).filter((p) => p.namespace === platformNamespace)) {
    const container = w.podSpec.containers[0];
    const endpoint = container && containerEnv(objects, w.namespace, container).get('OTEL_EXPORTER_OTLP_ENDPOINT');
    if (!endpoint) continue;
    const annotations = (w.object.spec as { template: { metadata?: { annotations?: Record<string, string> } } })
      .template.metadata?.annotations;
    const skipped = (annotations?.['config.linkerd.io/skip-outbound-ports'] ?? '').split(',').map((p) => p.trim());
    if (!skipped.includes(new URL(endpoint).port))
      problems.push(`${ref(w.object)}: its OTLP export goes through the Linkerd proxy`);
  }
  return problems;
}
