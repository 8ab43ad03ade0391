// The Kubernetes manifests deploy exactly the services of the platform's list, each as the list says: a Deployment
// and a Service on its ports, the addresses of what it calls as cluster DNS names, its database and client secrets,
// its replica hint (an autoscaler's bounds in k8s/base, or a fixed count), headless without a mesh when it speaks
// gRPC; and the PostgreSQL credentials hold a password for each service database, no more.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  callEnv,
  envPrefix,
  listenEnv,
  portsOf,
  type ServiceEntry,
  databases as serviceDatabases,
} from '@platform/topology';
import { parse } from 'yaml';
import { containerEnv, find, type KubeObject, ofKind, ref, workloads } from '../kube-object.js';
import { platformNamespace } from '../platform-services.js';

const clusterAddress = (callee: ServiceEntry, role: 'http' | 'grpc' | 'ops') =>
  `${callee.name}.${platformNamespace}.svc.cluster.local:${callee.ports[role]}`;

/** The Secret names a pod mounts as volumes, without kustomize's hash suffix. */
const mountedSecrets = (podSpec: { volumes?: { secret?: { secretName?: string } }[] }): string[] =>
  (podSpec.volumes ?? []).flatMap((v) =>
    v.secret?.secretName ? [v.secret.secretName.replace(/-[a-z0-9]{10}$/, '')] : [],
  );

/** On one rendered overlay. */
export function checkKubernetesAgainstList(objects: KubeObject[], list: readonly ServiceEntry[]): string[] {
  const problems: string[] = [];
  const names = new Set(list.map((s) => s.name));
  const deployments = workloads(objects).filter(
    (w) => w.namespace === platformNamespace && w.object.kind === 'Deployment',
  );
  for (const w of deployments) {
    if (!names.has(w.podLabels.app ?? '')) {
      problems.push(`${ref(w.object)}: app ${w.podLabels.app} is not a service of the list`);
    }
  }
  for (const entry of list) {
    const deployment = deployments.find((w) => w.name === entry.name);
    if (!deployment) {
      problems.push(`${entry.name}: no Deployment (the list has it)`);
      continue;
    }
    const at = ref(deployment.object);
    const service = find(objects, 'Service', entry.name, platformNamespace);
    const servicePorts = new Set(((service?.spec?.ports ?? []) as { port: number }[]).map((p) => p.port));
    // nothing can call a worker (the load generator), so it needs no Service; one it has must carry its ports
    const needsService = entry.kind !== 'worker' || service !== undefined;
    for (const { role, port } of needsService ? portsOf(entry) : []) {
      if (!servicePorts.has(port))
        problems.push(`Service ${entry.name}: no port ${port} (its ${role} port in the list)`);
    }
    const container = deployment.podSpec.containers.find((c) => c.name === entry.name);
    if (!container) continue; // the probes check names that
    const env = containerEnv(objects, deployment.namespace, container);
    const expected = { ...listenEnv(entry, (role) => entry.ports[role]!), ...callEnv(entry, list, clusterAddress) };
    for (const [variable, value] of Object.entries(expected)) {
      if (env.get(variable) !== value)
        problems.push(`${at}: ${variable} is ${env.get(variable) ?? 'unset'}, the list says ${value}`);
    }
    const secrets = mountedSecrets(deployment.podSpec);
    const hasDatabase = env.has('DATABASE_URL_FILE') || env.has('DATABASE_URL');
    if (entry.storage && !(hasDatabase && secrets.includes(`${entry.name}-database`))) {
      problems.push(`${at}: has storage in the list, but no DATABASE_URL_FILE from the ${entry.name}-database Secret`);
    }
    if (!entry.storage && hasDatabase) problems.push(`${at}: gets a database the list does not give it`);
    if (entry.calls.some((c) => c.asItself) && !secrets.includes(`${entry.name}-oauth-client`)) {
      problems.push(`${at}: calls as itself, but does not mount the ${entry.name}-oauth-client Secret`);
    }
    const autoscaler = ofKind(objects, 'HorizontalPodAutoscaler').find(
      (h) => (h.spec as { scaleTargetRef?: { name?: string } }).scaleTargetRef?.name === entry.name,
    );
    if (typeof entry.replicas === 'number') {
      const replicas = (deployment.object.spec as { replicas?: number }).replicas;
      if (replicas !== entry.replicas)
        problems.push(`${at}: ${replicas ?? 'default 1'} replicas, the list says ${entry.replicas}`);
      if (autoscaler) problems.push(`${ref(autoscaler)}: scales ${entry.name}, which has a fixed count in the list`);
    } else if (!autoscaler) {
      problems.push(
        `${at}: no HorizontalPodAutoscaler, the list says ${entry.replicas.min} to ${entry.replicas.max} pods`,
      );
    }
  }

  const credentials = ofKind(objects, 'Secret').find((s) => s.metadata.name.startsWith('postgres-credentials'));
  const keys = new Set(Object.keys(credentials?.data ?? {}));
  const wanted = new Set([
    'POSTGRES_PASSWORD',
    ...serviceDatabases(list).map((d) => `${envPrefix(d.database)}_DB_PASSWORD`),
  ]);
  for (const key of wanted) if (!keys.has(key)) problems.push(`Secret postgres-credentials: no ${key}`);
  for (const key of keys)
    if (!wanted.has(key)) problems.push(`Secret postgres-credentials: ${key} is no database of the list`);
  return problems;
}

/** On the files of k8s/base and the components that name services: what a rendered overlay no longer shows. */
export function checkKubernetesBase(root: string, list: readonly ServiceEntry[]): string[] {
  const problems: string[] = [];
  const read = (path: string) => parse(readFileSync(join(root, path), 'utf8')) as Record<string, unknown>;
  const base = read('k8s/base/kustomization.yaml') as { resources?: string[] };
  const folders = new Set(base.resources ?? []);
  for (const entry of list) {
    if (!folders.has(entry.name)) problems.push(`k8s/base/kustomization.yaml: ${entry.name} is not a resource`);
    const replicas = entry.replicas;
    if (typeof replicas === 'number') continue;
    let hpa: { spec?: { minReplicas?: number; maxReplicas?: number } };
    try {
      hpa = read(`k8s/base/${entry.name}/hpa.yaml`);
    } catch {
      problems.push(`k8s/base/${entry.name}/hpa.yaml: missing, the list says ${replicas.min} to ${replicas.max} pods`);
      continue;
    }
    if (hpa.spec?.minReplicas !== replicas.min || hpa.spec?.maxReplicas !== replicas.max) {
      problems.push(
        `k8s/base/${entry.name}/hpa.yaml: ${hpa.spec?.minReplicas} to ${hpa.spec?.maxReplicas} pods, the list says ${replicas.min} to ${replicas.max}`,
      );
    }
  }
  const noMesh = read('k8s/components/no-mesh/kustomization.yaml') as {
    patches?: { path?: string; target?: { kind?: string; name?: string } }[];
  };
  const headless = noMesh.patches?.find((p) => p.path === 'headless-services.yaml')?.target?.name ?? '';
  const grpc = list.filter((s) => s.kind === 'grpc').map((s) => s.name);
  if ([...headless.split('|')].sort().join('|') !== [...grpc].sort().join('|')) {
    problems.push(
      `k8s/components/no-mesh: headless Services "${headless}", the list's gRPC services are "${grpc.join('|')}" (round_robin needs every pod's address)`,
    );
  }
  return problems;
}
