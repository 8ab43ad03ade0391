// The public entry, whichever kind it is (Istio's ingress VirtualService, Gateway API HTTPRoutes, a Kubernetes
// Ingress): every request of the contract reaches the gateway's API port, every page of the shop the storefront's web
// port, no ops path (/healthz, /readyz, /metrics) of either reaches any backend, and where the gateway's sidecar
// verifies bearer tokens, public routes drop the Authorization header before it sees one (an expired token on
// /api/auth/refresh is ignored, as without the mesh) while the protected routes keep it.
import {
  type Destination,
  httpRouteDestinations,
  httpRouteRuleFor,
  ingressDestinations,
  istioDestinations,
  istioIngressRoutes,
  istioRouteFor,
} from '../ingress-routing.js';
import { find, type KubeObject, ofKind, ref } from '../kube-object.js';
import { opsPaths, platformNamespace, publicApi, shopPages } from '../platform-services.js';

const describe = (d: Destination[]): string =>
  d.length === 0
    ? 'nothing'
    : d.map((x) => ('directResponse' in x ? `a ${x.directResponse} reply` : `${x.service}:${x.port}`)).join(', ');
const toService = (d: Destination[], service: string, port: number) =>
  d.length > 0 &&
  d.every((x) => !('directResponse' in x) && x.service === service && x.namespace === platformNamespace) &&
  d.some((x) => !('directResponse' in x) && x.port === port);
const reachesBackend = (d: Destination[]) => d.some((x) => !('directResponse' in x));
const dropsAuthorization = (names: string[] | undefined) =>
  (names ?? []).some((n) => n.toLowerCase() === 'authorization');

/** Whether the gateway's sidecar verifies bearer tokens (a RequestAuthentication selects the gateway). */
export const meshVerifiesTokens = (objects: KubeObject[]): boolean =>
  ofKind(objects, 'RequestAuthentication').some(
    (r) => (r.spec as { selector?: { matchLabels?: Record<string, string> } }).selector?.matchLabels?.app === 'gateway',
  );

export function checkEdgeRouting(objects: KubeObject[]): string[] {
  const problems: string[] = [];
  const tokens = meshVerifiesTokens(objects);
  const entries: { name: string; route: (method: string, path: string) => { to: Destination[]; drops?: boolean } }[] =
    [];
  for (const vs of istioIngressRoutes(objects)) {
    entries.push({
      name: ref(vs),
      route: (method, path) => {
        const route = istioRouteFor(vs, { method, path });
        return { to: istioDestinations(route), drops: dropsAuthorization(route?.headers?.request?.remove) };
      },
    });
  }
  const httpRoutes = ofKind(objects, 'HTTPRoute');
  if (httpRoutes.length > 0) {
    entries.push({
      name: 'HTTPRoute',
      route: (method, path) => {
        const found = httpRouteRuleFor(httpRoutes, { method, path });
        const removes = (found?.rule.filters ?? []).flatMap((f) => f.requestHeaderModifier?.remove ?? []);
        return { to: found ? httpRouteDestinations(found.route, found.rule) : [], drops: dropsAuthorization(removes) };
      },
    });
  }
  const ingresses = ofKind(objects, 'Ingress');
  if (ingresses.length > 0) {
    entries.push({
      name: 'Ingress',
      route: (method, path) => ({ to: ingressDestinations(ingresses, { method, path }) }),
    });
  }
  if (entries.length === 0 && find(objects, 'Namespace', platformNamespace)) {
    problems.push('no public entry (Istio ingress routes, Gateway API HTTPRoutes or an Ingress) routes the API');
  }
  for (const entry of entries) {
    for (const request of publicApi) {
      const { to, drops } = entry.route(request.method, request.path);
      const at = `${entry.name}: ${request.method} ${request.path}`;
      if (!toService(to, 'gateway', 8080)) problems.push(`${at} goes to ${describe(to)}, not gateway:8080`);
      if (!tokens || drops === undefined) continue;
      if (request.bearer && drops) problems.push(`${at} drops the Authorization header the gateway needs`);
      if (!request.bearer && !drops)
        problems.push(`${at} keeps the Authorization header: the gateway's sidecar rejects an expired one`);
    }
    for (const request of shopPages) {
      const { to } = entry.route(request.method, request.path);
      if (!toService(to, 'storefront', 8082))
        problems.push(`${entry.name}: ${request.method} ${request.path} goes to ${describe(to)}, not storefront:8082`);
    }
    for (const path of opsPaths) {
      for (const method of ['GET', 'HEAD']) {
        const { to } = entry.route(method, path);
        if (reachesBackend(to)) problems.push(`${entry.name}: ${method} ${path} reaches ${describe(to)}`);
      }
    }
  }
  return problems;
}
