// docker-compose.yml runs exactly the services of the platform's list, each as the list says: its image, the ports
// it listens on, the addresses of what it calls, its database secret, its published port if it is a public entry,
// a profile if it is optional, a healthcheck on its ops port; secrets-init makes the database passwords and client
// secrets the list implies, and Prometheus (compose/prometheus/prometheus.yml) scrapes every service.
import {
  callEnv,
  databases,
  imageName,
  listenEnv,
  metricsTargets,
  opsRole,
  type ServiceEntry,
  serviceClients,
} from '@platform/topology';
import { parse } from 'yaml';

export interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  environment?: Record<string, string | number | boolean | null> | string[];
  volumes?: (string | { source?: string; target?: string })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] | string };
  ports?: (string | number)[];
  profiles?: string[];
}

export interface ComposeFile {
  services?: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** The compose file with its anchors and `<<` merge keys resolved, as compose reads it. */
export const parseCompose = (text: string): ComposeFile => parse(text, { merge: true }) as ComposeFile;

/** The load generator's profile: `docker compose --profile load up`. */
export const OPTIONAL_PROFILE = 'load';

const environmentOf = (service: ComposeService): Map<string, string> => {
  const env = service.environment ?? {};
  const entries = Array.isArray(env)
    ? env.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const)
    : Object.entries(env).map(([key, value]) => [key, value === null ? '' : String(value)] as const);
  return new Map(entries);
};

const volumeSources = (service: ComposeService | undefined): string[] =>
  (service?.volumes ?? []).map((v) => (typeof v === 'string' ? (v.split(':')[0] ?? '') : (v.source ?? '')));

/** A compose service built from, or running the image of, a service folder: one of the platform's own. */
export function isPlatformService(name: string, service: ComposeService): boolean {
  const dockerfile = typeof service.build === 'object' ? (service.build.dockerfile ?? '') : '';
  const context = typeof service.build === 'object' ? (service.build.context ?? '') : (service.build ?? '');
  return (
    /(^|\/)services\//.test(dockerfile) ||
    /(^|\/)services\//.test(context) ||
    (service.image ?? '').includes(`/platform/${name}:`)
  );
}

export function checkComposeAgainstList(
  compose: ComposeFile,
  list: readonly ServiceEntry[],
  prometheusYaml: string,
): string[] {
  const problems: string[] = [];
  const services = compose.services ?? {};
  const names = new Set(list.map((s) => s.name));
  for (const [name, service] of Object.entries(services)) {
    if (isPlatformService(name, service) && !names.has(name)) {
      problems.push(`compose: ${name} is a service of the platform that the list does not have`);
    }
  }
  const composeAddress = (callee: ServiceEntry, role: 'http' | 'grpc' | 'ops') =>
    `${callee.name}:${callee.ports[role]}`;
  for (const entry of list) {
    const service = services[entry.name];
    const at = `compose: ${entry.name}`;
    if (!service) {
      problems.push(`${at}: missing (the list has it)`);
      continue;
    }
    const image = (service.image ?? '').replace(/\$\{\w+:?-([^}]*)\}/g, '$1').replace(/^docker\.io\//, '');
    if (image !== `${imageName(entry.name)}:dev`)
      problems.push(`${at}: image ${service.image}, not ${imageName(entry.name)}`);
    const env = environmentOf(service);
    const expected = {
      ...listenEnv(entry, (role) => entry.ports[role]!),
      ...callEnv(entry, list, composeAddress),
    };
    for (const [variable, value] of Object.entries(expected)) {
      if (env.get(variable) !== value)
        problems.push(`${at}: ${variable} is ${env.get(variable) ?? 'unset'}, the list says ${value}`);
    }
    const hasDatabaseUrl = env.has('DATABASE_URL_FILE') || env.has('DATABASE_URL');
    if (entry.storage && !hasDatabaseUrl) problems.push(`${at}: has storage in the list but no DATABASE_URL_FILE`);
    if (!entry.storage && hasDatabaseUrl) problems.push(`${at}: gets a database the list does not give it`);
    if (
      (entry.storage || entry.calls.some((c) => c.asItself)) &&
      !volumeSources(service).includes(`${entry.name}-secrets`)
    ) {
      problems.push(`${at}: does not mount its secrets volume ${entry.name}-secrets`);
    }
    const test = [service.healthcheck?.test ?? []].flat().join(' ');
    const readyz = `http://127.0.0.1:${entry.ports[opsRole(entry)]}/readyz`;
    if (!test.includes(readyz)) problems.push(`${at}: its healthcheck does not ask ${readyz}`);
    const published = (service.ports ?? []).map(String);
    if (entry.ingress) {
      const port = entry.ports.http;
      if (!published.some((p) => p.startsWith('127.0.0.1:') && p.endsWith(`:${port}`))) {
        problems.push(`${at}: a public entry, but port ${port} is not published on 127.0.0.1`);
      }
    } else if (published.length > 0) {
      problems.push(`${at}: publishes ${published.join(', ')}, but it is no public entry`);
    }
    const profiles = service.profiles ?? [];
    if (entry.optional && !profiles.includes(OPTIONAL_PROFILE)) {
      problems.push(`${at}: optional, so it belongs to the ${OPTIONAL_PROFILE} profile`);
    }
    if (!entry.optional && profiles.length > 0) problems.push(`${at}: runs only under profile ${profiles.join(', ')}`);
  }

  const init = services['secrets-init'];
  const initEnv = init ? environmentOf(init) : new Map<string, string>();
  const wantDatabases = databases(list)
    .map((d) => d.service)
    .join(' ');
  // a set: the order of the words does not matter to secrets-init
  const sameWords = (a: string, b: string) => a.split(/\s+/).sort().join(' ') === b.split(/\s+/).sort().join(' ');
  if (!sameWords(initEnv.get('PLATFORM_DATABASES') ?? '', wantDatabases)) {
    problems.push(
      `compose: secrets-init's PLATFORM_DATABASES is "${initEnv.get('PLATFORM_DATABASES') ?? ''}", the list says "${wantDatabases}"`,
    );
  }
  const wantClients = serviceClients(list)
    .map((c) => `${c.clientId}=${c.audiences.join(',')}`)
    .join(' ');
  if (!sameWords(initEnv.get('PLATFORM_SERVICE_CLIENTS') ?? '', wantClients)) {
    problems.push(
      `compose: secrets-init's PLATFORM_SERVICE_CLIENTS is "${initEnv.get('PLATFORM_SERVICE_CLIENTS') ?? ''}", the list says "${wantClients}"`,
    );
  }
  const secretConsumers = list
    .filter((s) => s.storage || s.calls.some((c) => c.asItself))
    .map((s) => `${s.name}-secrets`);
  for (const volume of secretConsumers) {
    if (!volumeSources(init).includes(volume)) problems.push(`compose: secrets-init does not fill ${volume}`);
    if (!(volume in (compose.volumes ?? {}))) problems.push(`compose: the volume ${volume} is not declared`);
  }

  const config = parse(prometheusYaml) as {
    scrape_configs?: { static_configs?: { targets?: string[]; labels?: { service?: string } }[] }[];
  };
  const scraped = new Set(
    (config.scrape_configs ?? []).flatMap((job) =>
      (job.static_configs ?? []).filter((c) => c.labels?.service).flatMap((c) => c.targets ?? []),
    ),
  );
  const wanted = new Set(metricsTargets(list).map((t) => `${t.service}:${t.port}`));
  for (const target of wanted) if (!scraped.has(target)) problems.push(`compose/prometheus: does not scrape ${target}`);
  for (const target of scraped) {
    if (!wanted.has(target)) problems.push(`compose/prometheus: scrapes ${target}, which the list does not have`);
  }
  return problems;
}
