// What makes the list sound: names and ports unique, calls that name services of the list on a port they have, one
// token issuer and one API edge, public routes the edge can reach. `npm test` and the generator hold it to this.
import { camelName, databaseName } from './naming.js';
import { apiRole, portKey, portsOf } from './ports.js';
import { POSTGRES } from './request-flow.js';
import type { PortRole, ServiceEntry } from './service-entry.js';

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/** Room for the longest name derived from it (`<name>-oauth-client`) in a Kubernetes name and a PostgreSQL role. */
export const MAX_NAME_LENGTH = 40;

/**
 * Names a service may not take: the platform's other parts (compose services, Kubernetes folders and namespaces,
 * workspaces), and words of TypeScript and protobuf that its generated identifiers would collide with.
 */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  // parts of the platform that are not services of the list
  'postgres',
  'ingress',
  'secrets-init',
  'otel-collector',
  'jaeger',
  'prometheus',
  'grafana',
  'network-policies',
  'namespace',
  'platform',
  'observability',
  'istio-system',
  'kube-system',
  'default',
  'e2e',
  'bench',
  'api',
  'health',
  'grpc',
  'well-known',
  // TypeScript and JavaScript keywords and reserved words
  ...'break case catch class const continue debugger default delete do else enum export extends false finally for function if implements import in instanceof interface let new null package private protected public return static super switch this throw true try typeof var void while with yield await async type any unknown never object string number boolean symbol undefined'.split(
    ' ',
  ),
  // protobuf keywords
  ...'syntax message service rpc option reserved repeated optional required oneof map returns stream extend'.split(' '),
]);

/** Why a name cannot be a service's, or undefined when it can (it may still be taken). */
export function nameProblem(name: string): string | undefined {
  if (!KEBAB.test(name)) {
    return `"${name}" is not kebab-case: lowercase letters and digits, words joined by single hyphens, starting with a letter (e.g. gift-cards)`;
  }
  if (name.length > MAX_NAME_LENGTH) return `"${name}" is longer than ${MAX_NAME_LENGTH} characters`;
  if (RESERVED_NAMES.has(name)) return `"${name}" is a reserved word (a part of the platform or a keyword)`;
  return undefined;
}

const VARIABLE = /^[A-Z][A-Z0-9_]*$/;

/** Every problem of the list, each naming the service and what is wrong; empty when it is sound. */
export function topologyProblems(list: readonly ServiceEntry[]): string[] {
  const problems: string[] = [];
  const byName = new Map<string, ServiceEntry>();
  for (const service of list) {
    const problem = nameProblem(service.name);
    if (problem) problems.push(`${service.name}: ${problem}`);
    if (byName.has(service.name)) problems.push(`${service.name}: listed twice`);
    byName.set(service.name, service);
  }
  const derivedNames = new Map<string, string>();
  for (const service of list) {
    for (const derived of [`camel ${camelName(service.name)}`, `database ${databaseName(service.name)}`]) {
      const other = derivedNames.get(derived);
      if (other && other !== service.name) problems.push(`${service.name}: same ${derived} as ${other}`);
      derivedNames.set(derived, service.name);
    }
  }

  const portOwners = new Map<number, string>([[POSTGRES.port, 'postgres']]);
  for (const service of list) problems.push(...portProblems(service, portOwners));

  for (const [flag, what] of [
    ['tokenIssuer', 'the token issuer'],
    ['apiEdge', 'the API edge'],
  ] as const) {
    const holders = list.filter((s) => s[flag]);
    if (holders.length !== 1) {
      problems.push(`exactly one service must be ${what} (${flag}); found ${holders.length}`);
    }
  }
  const edge = list.find((s) => s.apiEdge);
  const issuer = list.find((s) => s.tokenIssuer);
  if (edge && !edge.ingress) problems.push(`${edge.name}: the API edge has no ingress`);

  const ingressPaths = new Map<string, string>();
  for (const service of list) {
    for (const path of service.ingress?.paths ?? []) {
      if (!path.startsWith('/')) problems.push(`${service.name}: ingress path ${path} does not start with /`);
      const other = ingressPaths.get(path);
      if (other) problems.push(`${service.name}: ingress path ${path} is ${other}'s already`);
      ingressPaths.set(path, service.name);
    }
    if (service.ingress && service.kind !== 'http')
      problems.push(`${service.name}: only an HTTP service has an ingress`);
  }

  const routes = new Map<string, string>();
  for (const service of list) {
    problems.push(...callProblems(service, byName, issuer));
    for (const route of service.publicRoutes ?? []) {
      const key = `${route.method} ${route.path}`;
      if (!/^\/(api|\.well-known)\//.test(route.path)) {
        problems.push(`${service.name}: public route ${key} is not under /api/ or /.well-known/`);
      }
      const other = routes.get(key);
      if (other) problems.push(`${service.name}: public route ${key} is ${other}'s already`);
      routes.set(key, service.name);
    }
    if (service.publicRoutes?.length && edge && service !== edge) {
      if (!edge.calls.some((call) => call.service === service.name)) {
        problems.push(`${service.name}: has public routes, but the API edge (${edge.name}) does not call it`);
      }
    }
    problems.push(...replicaProblems(service));
    if (service.optional && list.some((s) => s.calls.some((call) => call.service === service.name))) {
      problems.push(`${service.name}: optional, yet a service calls it (it may not run)`);
    }
  }
  return problems;
}

function portProblems(service: ServiceEntry, owners: Map<number, string>): string[] {
  const problems: string[] = [];
  const expected: Record<ServiceEntry['kind'], PortRole[]> = {
    http: ['http'],
    grpc: ['grpc', 'ops'],
    worker: ['ops'],
  };
  const has = portsOf(service).map((p) => p.role);
  if (has.join() !== expected[service.kind].join()) {
    problems.push(
      `${service.name}: a ${service.kind} service has the ports ${expected[service.kind].join(' and ')}, not ${has.join(', ') || 'none'}`,
    );
  }
  for (const { role, port } of portsOf(service)) {
    if (!Number.isInteger(port) || port < 1024 || port > 65_535) {
      problems.push(`${service.name}: ${role} port ${port} is not from 1024 to 65535`);
    }
    const owner = owners.get(port);
    if (owner) problems.push(`${service.name}: ${role} port ${port} is ${owner}'s already`);
    owners.set(port, `${service.name} (${portKey(service.name, role)})`);
  }
  return problems;
}

function callProblems(
  service: ServiceEntry,
  byName: ReadonlyMap<string, ServiceEntry>,
  issuer: ServiceEntry | undefined,
): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const variables = new Set<string>();
  for (const call of service.calls) {
    const callee = byName.get(call.service);
    if (seen.has(call.service)) problems.push(`${service.name}: calls ${call.service} twice`);
    seen.add(call.service);
    if (!callee) {
      problems.push(`${service.name}: calls ${call.service}, which is not in the list`);
      continue;
    }
    if (callee === service) problems.push(`${service.name}: calls itself`);
    const role = apiRole(callee);
    if (role === undefined) problems.push(`${service.name}: calls ${callee.name}, a worker that takes no calls`);
    if (call.env && role !== 'http') {
      problems.push(
        `${service.name}: names URLs of ${callee.name}, which is no HTTP service (its address is ${callee.name.toUpperCase()}_ADDR)`,
      );
    }
    for (const [variable, path] of Object.entries(call.env ?? {})) {
      if (!VARIABLE.test(variable)) problems.push(`${service.name}: ${variable} is not an UPPER_SNAKE variable name`);
      if (path !== '' && !path.startsWith('/'))
        problems.push(`${service.name}: ${variable}'s path ${path} does not start with /`);
      if (variables.has(variable)) problems.push(`${service.name}: two calls set ${variable}`);
      variables.add(variable);
    }
    if (call.asItself && issuer && !service.calls.some((c) => c.service === issuer.name)) {
      problems.push(`${service.name}: calls ${callee.name} as itself but never calls ${issuer.name} for its token`);
    }
  }
  return problems;
}

function replicaProblems(service: ServiceEntry): string[] {
  const { replicas } = service;
  if (typeof replicas === 'number') {
    if (!Number.isInteger(replicas) || replicas < 0) return [`${service.name}: replicas ${replicas} is not a count`];
    if (service.optional && replicas !== 0) return [`${service.name}: optional, so it has 0 replicas until scaled up`];
    return [];
  }
  if (service.optional) return [`${service.name}: optional, so it has a fixed 0 replicas, not an autoscaler`];
  // two at least: outlier detection can eject one of two, and a node drain leaves one serving
  if (replicas.min < 2 || replicas.max < replicas.min) {
    return [`${service.name}: autoscaling from ${replicas.min} to ${replicas.max}; it needs min >= 2 and max >= min`];
  }
  return [];
}
