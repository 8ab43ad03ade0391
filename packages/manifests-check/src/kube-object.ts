// The rendered objects, typed just enough to read them, and lookups shared by the checks.
import type { IContainer, IPodSpec } from 'kubernetes-models/v1';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  [key: string]: unknown;
}

/** A Deployment or StatefulSet with its pod template. */
export interface Workload {
  object: KubeObject;
  name: string;
  namespace: string;
  podLabels: Record<string, string>;
  podSpec: IPodSpec;
}

export const ref = (o: KubeObject): string => `${o.kind} ${o.metadata.namespace ?? '-'}/${o.metadata.name}`;

export function ofKind(objects: KubeObject[], kind: string): KubeObject[] {
  return objects.filter((o) => o.kind === kind);
}

export function find(objects: KubeObject[], kind: string, name: string, namespace?: string): KubeObject | undefined {
  return objects.find(
    (o) =>
      o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace),
  );
}

export function workloads(objects: KubeObject[]): Workload[] {
  return objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')
    .map((object) => {
      const template = (object.spec as { template: { metadata?: { labels?: Record<string, string> }; spec: IPodSpec } })
        .template;
      return {
        object,
        name: object.metadata.name,
        namespace: object.metadata.namespace ?? 'default',
        podLabels: template.metadata?.labels ?? {},
        podSpec: template.spec,
      };
    });
}

export function matchesLabels(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  return Object.entries(selector ?? {}).every(([key, value]) => labels[key] === value);
}

/** The containers of a pod spec that a port name or number can refer to. */
export function containerPort(container: IContainer, port: number | string): number | undefined {
  const found = (container.ports ?? []).find((p) =>
    typeof port === 'number' ? p.containerPort === port : p.name === port,
  );
  return found?.containerPort;
}

/** What the downward API gives a pod: its name and namespace, and the node it runs on. */
export interface PodIdentity {
  name: string;
  node: string;
}

/**
 * The environment a container starts with, resolved from the rendered ConfigMaps and Secrets as the kubelet would:
 * envFrom first, then env (which wins); downward-API fields from `pod` (placeholders by default), and `$(NAME)` in an
 * env value expanded from the variables before it. Values a reference cannot resolve are undefined.
 */
export function containerEnv(
  objects: KubeObject[],
  namespace: string,
  container: IContainer,
  pod: PodIdentity = { name: 'pod', node: 'node' },
): Map<string, string | undefined> {
  const env = new Map<string, string | undefined>();
  const source = (kind: 'ConfigMap' | 'Secret', name: string): Record<string, string> | undefined => {
    const found = find(objects, kind, name, namespace);
    if (!found?.data) return undefined;
    if (kind === 'ConfigMap') return found.data;
    return Object.fromEntries(
      Object.entries(found.data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
    );
  };
  for (const from of container.envFrom ?? []) {
    const data = from.configMapRef
      ? source('ConfigMap', from.configMapRef.name ?? '')
      : from.secretRef
        ? source('Secret', from.secretRef.name ?? '')
        : undefined;
    for (const [key, value] of Object.entries(data ?? {})) env.set(`${from.prefix ?? ''}${key}`, value);
  }
  const fields: Record<string, string> = {
    'metadata.name': pod.name,
    'metadata.namespace': namespace,
    'spec.nodeName': pod.node,
  };
  for (const variable of container.env ?? []) {
    const from = variable.valueFrom;
    if (from?.configMapKeyRef)
      env.set(variable.name, source('ConfigMap', from.configMapKeyRef.name ?? '')?.[from.configMapKeyRef.key]);
    else if (from?.secretKeyRef)
      env.set(variable.name, source('Secret', from.secretKeyRef.name ?? '')?.[from.secretKeyRef.key]);
    else if (from?.fieldRef) env.set(variable.name, fields[from.fieldRef.fieldPath]);
    else env.set(variable.name, expandReferences(variable.value ?? '', env));
  }
  return env;
}

/** The kubelet's `$(NAME)` expansion: a defined variable's value; `$$` escapes; anything else stays as written. */
function expandReferences(value: string, env: Map<string, string | undefined>): string {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name: string | undefined) => {
    if (name === undefined) return '$';
    return env.get(name) ?? match;
  });
}

/** The names `$(NAME)` refers to in a container's env values: variables there to compose others. */
export function referencedEnvNames(container: IContainer): Set<string> {
  const names = new Set<string>();
  for (const variable of container.env ?? []) {
    for (const match of (variable.value ?? '').matchAll(/\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g)) names.add(match[1] ?? '');
  }
  return names;
}
