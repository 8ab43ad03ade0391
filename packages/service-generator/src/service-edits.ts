// The files that name every service, and what a new service adds to each: its entry in the platform's list, its
// compose service and secrets, its Kubernetes resources, policies and routes, its gateway address. Each edit takes
// the file's text and returns it with the new service in it; snippets come from the generator's Handlebars
// templates (turbo/generators/templates/snippets), rendered with the new service's data.
import type { NewService } from './new-service.js';
import { appendDocument, indexWhere, insertIntoCollection, replaceScalar, valueAt } from './yaml-edits.js';

/** Renders a snippet template (`snippets/<name>.hbs`) with the new service's data. */
export type RenderSnippet = (name: string) => string;

export interface ServiceEdit {
  /** From the repository root. */
  file: string;
  /** What it adds, for the generator's report. */
  adds: string;
  when?: (service: NewService) => boolean;
  apply(text: string, service: NewService, render: RenderSnippet): string;
}

const withStorage = (s: NewService) => s.storage;
const withPublicRoute = (s: NewService) => s.publicRoute;

/** Inserts `snippet` on the line before the marker comment, which stays where it is for the next service. */
export function beforeMarker(text: string, marker: string, snippet: string): string {
  const at = text.indexOf(marker);
  if (at === -1) throw new Error(`the marker "${marker}" is gone: put it back where new entries go`);
  const lineStart = text.lastIndexOf('\n', at) + 1;
  const indentation = text.slice(lineStart, at);
  const lines = snippet.replace(/\n+$/, '').split('\n');
  return `${text.slice(0, lineStart)}${lines.map((line) => (line ? indentation + line : line)).join('\n')}\n${text.slice(lineStart)}`;
}

const TOPOLOGY_ENTRIES = '// new:service entries';
const TOPOLOGY_GATEWAY_CALLS = '// new:service gateway calls';
const GATEWAY_ROUTES = '// new:service routes';
const GATEWAY_ROUTE_IMPORTS = '// new:service imports';

const addDevDependency = (text: string, name: string): string => {
  const manifest = JSON.parse(text) as { devDependencies?: Record<string, string> };
  const devDependencies = { ...manifest.devDependencies, [name]: '*' };
  manifest.devDependencies = Object.fromEntries(Object.entries(devDependencies).sort(([a], [b]) => a.localeCompare(b)));
  return `${JSON.stringify(manifest, null, 2)}\n`;
};

/** The compose service the new one goes after: the last service of the platform's list the file has. */
function lastPlatformService(text: string): string {
  const names = Object.keys((valueAt(text, ['services']) as Record<string, unknown>) ?? {});
  const platform = names.filter((name) => {
    const image = valueAt(text, ['services', name, 'image']);
    return typeof image === 'string' && image.includes('/platform/');
  });
  const last = platform.at(-1);
  if (!last) throw new Error('docker-compose.yml runs no service of the platform to put the new one beside');
  return last;
}

export const serviceEdits: readonly ServiceEdit[] = [
  {
    file: 'packages/topology/src/services.ts',
    adds: 'its entry in the list of services',
    apply: (text, _s, render) => beforeMarker(text, TOPOLOGY_ENTRIES, render('topology-entry')),
  },
  {
    file: 'packages/topology/src/services.ts',
    adds: "the gateway's call to it",
    when: withPublicRoute,
    apply: (text, s) => beforeMarker(text, TOPOLOGY_GATEWAY_CALLS, `{ service: '${s.name}', why: 'its API' },`),
  },
  {
    file: 'packages/contracts/src/index.ts',
    adds: 'the export of its generated client',
    apply: (text, s) =>
      `${text.replace(/\n*$/, '\n')}export * as ${s.contractsNamespace} from './gen/${s.protoFile.replace(/\.proto$/, '')}.js';\n`,
  },
  {
    file: 'services/gateway/src/downstream-routes.ts',
    adds: 'its public route in the gateway',
    when: withPublicRoute,
    apply: (text, s) =>
      beforeMarker(
        beforeMarker(text, GATEWAY_ROUTE_IMPORTS, `import { ${s.camel}Routes } from './${s.name}.routes.js';`),
        GATEWAY_ROUTES,
        `${s.camel}Routes,`,
      ),
  },
  {
    file: 'docker-compose.yml',
    adds: 'its compose service',
    apply: (text, _s, render) =>
      insertIntoCollection(text, ['services'], `\n${render('compose-service')}`, { after: lastPlatformService(text) }),
  },
  {
    file: 'docker-compose.yml',
    adds: 'its database secrets, made by secrets-init',
    when: withStorage,
    apply: (text, s) => {
      const databases = String(valueAt(text, ['services', 'secrets-init', 'environment', 'PLATFORM_DATABASES']) ?? '');
      let out = replaceScalar(
        text,
        ['services', 'secrets-init', 'environment', 'PLATFORM_DATABASES'],
        `${databases} ${s.name}`.trim(),
      );
      out = insertIntoCollection(
        out,
        ['services', 'secrets-init', 'volumes'],
        `- ${s.name}-secrets:/secrets/${s.name}`,
      );
      return insertIntoCollection(out, ['volumes'], `${s.name}-secrets:`, { after: lastSecretsVolume(out) });
    },
  },
  {
    file: 'docker-compose.yml',
    adds: "the gateway's address of it",
    when: withPublicRoute,
    apply: (text, s) => {
      const out = insertIntoCollection(
        text,
        ['services', 'gateway', 'environment'],
        `${s.constant}_ADDR: ${s.name}:${s.grpcPort}`,
      );
      return insertIntoCollection(
        out,
        ['services', 'gateway', 'depends_on'],
        `${s.name}:\n  condition: service_healthy`,
      );
    },
  },
  {
    file: 'compose/prometheus/prometheus.yml',
    adds: 'its metrics target',
    apply: (text, s) => {
      const job = indexWhere(text, ['scrape_configs'], (job) => (job as { job_name?: string }).job_name === 'platform');
      return insertIntoCollection(
        text,
        ['scrape_configs', job, 'static_configs'],
        `- targets: ["${s.name}:${s.opsPort}"]\n  labels: { service: ${s.name} }`,
      );
    },
  },
  {
    file: 'k8s/base/kustomization.yaml',
    adds: 'its folder among the resources',
    apply: (text, s) => insertIntoCollection(text, ['resources'], `- ${s.name}`),
  },
  {
    file: 'k8s/base/kustomization.yaml',
    adds: 'its database password and DATABASE_URL Secrets',
    when: withStorage,
    apply: (text, s) => {
      const credentials = indexWhere(
        text,
        ['secretGenerator'],
        (g) => (g as { name?: string }).name === 'postgres-credentials',
      );
      const out = insertIntoCollection(
        text,
        ['secretGenerator', credentials, 'files'],
        `- ${s.constant}_DB_PASSWORD=secrets/${s.name}-db-password.txt`,
      );
      return insertIntoCollection(
        out,
        ['secretGenerator'],
        `- name: ${s.name}-database\n  files:\n    - DATABASE_URL=secrets/${s.name}-database-url.txt`,
      );
    },
  },
  {
    file: 'k8s/base/network-policies/kustomization.yaml',
    adds: 'its network policy',
    apply: (text, s) => insertIntoCollection(text, ['resources'], `- ${s.name}.yaml`),
  },
  {
    file: 'k8s/base/network-policies/gateway.yaml',
    adds: "the gateway's egress to it",
    when: withPublicRoute,
    apply: (text, s) =>
      insertIntoCollection(
        text,
        ['spec', 'egress'],
        `- to:\n    - podSelector:\n        matchLabels:\n          app: ${s.name}\n  ports:\n    - protocol: TCP\n      port: ${s.grpcPort}`,
      ),
  },
  {
    file: 'k8s/base/network-policies/postgres.yaml',
    adds: 'its way in to PostgreSQL',
    when: withStorage,
    apply: (text, s) =>
      insertIntoCollection(
        text,
        ['spec', 'ingress', 0, 'from'],
        `- podSelector:\n    matchLabels:\n      app: ${s.name}`,
      ),
  },
  {
    file: 'k8s/base/gateway/config.env',
    adds: "the gateway's address of it",
    when: withPublicRoute,
    apply: (text, s) =>
      `${text.replace(/\n*$/, '\n')}${s.constant}_ADDR=${s.name}.platform.svc.cluster.local:${s.grpcPort}\n`,
  },
  {
    file: 'k8s/components/no-mesh/kustomization.yaml',
    adds: 'its headless Service (round_robin over its pods without a mesh)',
    apply: (text, s) => {
      const patch = indexWhere(text, ['patches'], (p) => (p as { path?: string }).path === 'headless-services.yaml');
      const names = String(valueAt(text, ['patches', patch, 'target', 'name']));
      return replaceScalar(text, ['patches', patch, 'target', 'name'], `${names}|${s.name}`);
    },
  },
  {
    file: 'k8s/components/linkerd/grpc-routes.yaml',
    adds: 'its timeouts under Linkerd',
    apply: (text, _s, render) => appendDocument(text, render('linkerd-grpc-route')),
  },
  {
    file: 'istio/mesh/authorization-policies.yaml',
    adds: 'its authorization policy',
    apply: (text, _s, render) => appendDocument(text, render('istio-authorization-policy')),
  },
  {
    file: 'istio/mesh/authorization-policies.yaml',
    adds: 'its way in to PostgreSQL in the mesh',
    when: withStorage,
    apply: (text, s) => {
      const postgres = (d: unknown) => (d as { metadata?: { name?: string } }).metadata?.name === 'postgres';
      return insertIntoCollection(
        text,
        ['spec', 'rules', 0, 'from', 0, 'source', 'principals'],
        `- cluster.local/ns/platform/sa/${s.name}`,
        {
          document: postgres,
        },
      );
    },
  },
  {
    file: 'istio/mesh/virtual-services.yaml',
    adds: 'its mesh timeouts',
    apply: (text, _s, render) => appendDocument(text, render('istio-virtual-service')),
  },
  {
    file: 'istio/mesh/destination-rules.yaml',
    adds: 'its circuit breaking',
    apply: (text, _s, render) => appendDocument(text, render('istio-destination-rule')),
  },
  {
    file: 'e2e/package.json',
    adds: 'it, built before the end-to-end suite runs',
    apply: (text, s) => addDevDependency(text, s.packageName),
  },
  {
    file: 'packages/manifests-check/package.json',
    adds: 'its config schema, for the env checks',
    apply: (text, s) => addDevDependency(text, s.packageName),
  },
];

/** The last `<name>-secrets` volume, so the new one sits with the others. */
function lastSecretsVolume(text: string): string | undefined {
  const volumes = Object.keys((valueAt(text, ['volumes']) as Record<string, unknown>) ?? {});
  return volumes.filter((v) => v.endsWith('-secrets')).at(-1);
}
