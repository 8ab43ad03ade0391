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

/**
 * The environment a container starts with, resolved from the rendered ConfigMaps and Secrets as the kubelet would:
 * envFrom first, then env (which wins). Values a reference cannot resolve are undefined.
 */
export function containerEnv(
  objects: KubeObject[],
  namespace: string,
  container: IContainer,
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
  for (const variable of container.env ?? []) {
    const from = variable.valueFrom;
    if (from?.configMapKeyRef)
      env.set(variable.name, source('ConfigMap', from.configMapKeyRef.name ?? '')?.[from.configMapKeyRef.key]);
    else if (from?.secretKeyRef)
      env.set(variable.name, source('Secret', from.secretKeyRef.name ?? '')?.[from.secretKeyRef.key]);
    else env.set(variable.name, variable.value);
  }
  return env;
}
