// Which route a request takes, as each kind of ingress picks it: Istio's VirtualService (first match wins), the
// Gateway API's HTTPRoute (most specific match wins) and Kubernetes' Ingress (longest path wins). The checks follow
// the contract's requests and the ops paths through them instead of reading routes one by one.
import { type KubeObject, ofKind } from './kube-object.js';

export interface Request {
  method: string;
  path: string;
  /** The calling pod's labels, for routes matched by sourceLabels. */
  sourceLabels?: Record<string, string>;
}

/** Where a route sends a request: a Service port, or an answer of the proxy itself. */
export type Destination = { service: string; namespace: string; port?: number } | { directResponse: number };

interface StringMatch {
  exact?: string;
  prefix?: string;
  regex?: string;
}
interface IstioMatch {
  uri?: StringMatch;
  method?: StringMatch;
  sourceLabels?: Record<string, string>;
}
export interface IstioRoute {
  name?: string;
  match?: IstioMatch[];
  route?: { destination: { host: string; port?: { number: number } }; weight?: number }[];
  directResponse?: { status: number };
  timeout?: string;
  retries?: { attempts?: number; perTryTimeout?: string; retryOn?: string };
  headers?: { request?: { remove?: string[]; set?: Record<string, string> } };
}

const stringMatches = (match: StringMatch | undefined, value: string): boolean => {
  if (!match) return true;
  if (match.exact !== undefined) return value === match.exact;
  if (match.prefix !== undefined) return value.startsWith(match.prefix);
  if (match.regex !== undefined) return new RegExp(`^(?:${match.regex})$`).test(value);
  return true;
};

/** Envoy matches the path without its query string. */
const pathOf = (path: string) => path.split('?')[0] ?? path;

/** The route of an Istio VirtualService a request takes: the first whose match fits, or none. */
export function istioRouteFor(vs: KubeObject, request: Request): IstioRoute | undefined {
  const routes = (vs.spec as { http?: IstioRoute[] }).http ?? [];
  return routes.find(
    (route) =>
      !route.match ||
      route.match.some(
        (m) =>
          stringMatches(m.uri, pathOf(request.path)) &&
          stringMatches(m.method, request.method) &&
          Object.entries(m.sourceLabels ?? {}).every(([k, v]) => request.sourceLabels?.[k] === v),
      ),
  );
}

export function istioDestinations(route: IstioRoute | undefined): Destination[] {
  if (!route) return [];
  if (route.directResponse) return [{ directResponse: route.directResponse.status }];
  return (route.route ?? []).map(({ destination }) => {
    const [service = '', namespace = 'default'] = destination.host.split('.');
    return { service, namespace, port: destination.port?.number };
  });
}

interface HttpRouteMatch {
  path?: { type?: 'Exact' | 'PathPrefix' | 'RegularExpression'; value?: string };
  method?: string;
  headers?: unknown[];
}
export interface HttpRouteRule {
  name?: string;
  matches?: HttpRouteMatch[];
  filters?: {
    type: string;
    requestHeaderModifier?: { remove?: string[] };
  }[];
  backendRefs?: { name: string; namespace?: string; port?: number; kind?: string }[];
  timeouts?: { request?: string; backendRequest?: string };
}

/** PathPrefix matches whole segments: /api matches /api and /api/x, not /apix. */
const prefixMatches = (prefix: string, path: string): boolean => {
  const trimmed = prefix.replace(/\/+$/, '');
  return trimmed === '' || path === trimmed || path.startsWith(`${trimmed}/`);
};

const httpRouteMatches = (match: HttpRouteMatch, request: Request): boolean => {
  const path = pathOf(request.path);
  const { type = 'PathPrefix', value = '/' } = match.path ?? {};
  const pathOk =
    type === 'Exact'
      ? path === value
      : type === 'RegularExpression'
        ? new RegExp(`^(?:${value})$`).test(path)
        : prefixMatches(value, path);
  return pathOk && (!match.method || match.method === request.method);
};

/**
 * The rule of the HTTPRoutes a request takes, by the Gateway API's precedence: an exact path over a prefix, the
 * longest prefix, a method match, more header matches; then the order of the routes and rules.
 */
export function httpRouteRuleFor(
  routes: KubeObject[],
  request: Request,
): { route: KubeObject; rule: HttpRouteRule } | undefined {
  const candidates: { route: KubeObject; rule: HttpRouteRule; match: HttpRouteMatch; order: number }[] = [];
  let order = 0;
  for (const route of routes) {
    for (const rule of (route.spec as { rules?: HttpRouteRule[] }).rules ?? []) {
      for (const match of rule.matches ?? [{ path: { type: 'PathPrefix', value: '/' } }]) {
        if (httpRouteMatches(match, request)) candidates.push({ route, rule, match, order });
        order++;
      }
    }
  }
  const rank = (m: HttpRouteMatch): number[] => [
    m.path?.type === 'Exact' ? 1 : 0,
    m.path?.type === 'PathPrefix' || m.path?.type === undefined ? (m.path?.value ?? '/').length : 0,
    m.method ? 1 : 0,
    m.headers?.length ?? 0,
  ];
  candidates.sort((a, b) => {
    const ra = rank(a.match);
    const rb = rank(b.match);
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return (rb[i] ?? 0) - (ra[i] ?? 0);
    return a.order - b.order;
  });
  const best = candidates[0];
  return best && { route: best.route, rule: best.rule };
}

export function httpRouteDestinations(route: KubeObject, rule: HttpRouteRule | undefined): Destination[] {
  return (rule?.backendRefs ?? [])
    .filter((b) => (b.kind ?? 'Service') === 'Service')
    .map((b) => ({ service: b.name, namespace: b.namespace ?? route.metadata.namespace ?? 'default', port: b.port }));
}

interface IngressPath {
  path?: string;
  pathType?: 'Exact' | 'Prefix' | 'ImplementationSpecific';
  backend: { service?: { name: string; port?: { number?: number; name?: string } } };
}

/** The backend of the Ingresses a request reaches: an exact path first, then the longest prefix. */
export function ingressDestinations(ingresses: KubeObject[], request: Request): Destination[] {
  const path = pathOf(request.path);
  let best: { ingress: KubeObject; p: IngressPath; score: number } | undefined;
  for (const ingress of ingresses) {
    const rules = (ingress.spec as { rules?: { http?: { paths?: IngressPath[] } }[] }).rules ?? [];
    for (const p of rules.flatMap((r) => r.http?.paths ?? [])) {
      const value = p.path ?? '/';
      const exact = p.pathType === 'Exact';
      const fits = exact ? path === value : prefixMatches(value, path);
      const score = exact ? Number.MAX_SAFE_INTEGER : value.length;
      if (fits && (!best || score > best.score)) best = { ingress, p, score };
    }
  }
  const service = best?.p.backend.service;
  if (!best || !service) return [];
  return [
    { service: service.name, namespace: best.ingress.metadata.namespace ?? 'default', port: service.port?.number },
  ];
}

/** The VirtualServices bound to an Istio Gateway: the mesh's public routes. */
export const istioIngressRoutes = (objects: KubeObject[]): KubeObject[] =>
  ofKind(objects, 'VirtualService').filter((vs) => ((vs.spec as { gateways?: string[] }).gateways ?? []).length > 0);
