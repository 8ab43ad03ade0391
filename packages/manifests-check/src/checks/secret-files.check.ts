// A secret never sits in a service's environment (where `kubectl describe`, a crash dump or a child process shows it,
// and where a config error could print it): a platform service takes no Secret through env or envFrom, and each
// X_FILE it is given names a key of a Secret or ConfigMap volume it mounts (service-kit reads X from that file).
import { containerEnv, find, type KubeObject, ref, workloads } from '../kube-object.js';
import { platformNamespace, platformServices } from '../platform-services.js';

export function checkSecretFiles(objects: KubeObject[]): string[] {
  const problems: string[] = [];
  for (const w of workloads(objects).filter((p) => p.namespace === platformNamespace)) {
    if (!platformServices.some((s) => s.name === w.podLabels.app)) continue;
    for (const container of w.podSpec.containers) {
      for (const variable of container.env ?? []) {
        if (variable.valueFrom?.secretKeyRef)
          problems.push(
            `${ref(w.object)}: ${variable.name} comes from Secret ${variable.valueFrom.secretKeyRef.name} as an env value; mount it and set ${variable.name}_FILE`,
          );
      }
      for (const from of container.envFrom ?? []) {
        if (from.secretRef) problems.push(`${ref(w.object)}: takes Secret ${from.secretRef.name} as env values`);
      }
      for (const [name, value] of containerEnv(objects, w.namespace, container)) {
        if (!name.endsWith('_FILE') || !value) continue;
        const mount = (container.volumeMounts ?? []).find((m) =>
          value.startsWith(`${m.mountPath.replace(/\/$/, '')}/`),
        );
        const volume = (w.podSpec.volumes ?? []).find((v) => v.name === mount?.name);
        const key = mount ? value.slice(mount.mountPath.replace(/\/$/, '').length + 1) : '';
        const source = volume?.secret
          ? find(objects, 'Secret', volume.secret.secretName ?? '', w.namespace)
          : volume?.configMap
            ? find(objects, 'ConfigMap', volume.configMap.name ?? '', w.namespace)
            : undefined;
        if (!source?.data || !(key in source.data))
          problems.push(`${ref(w.object)}: ${name}=${value} names no key of a Secret or ConfigMap it mounts`);
      }
    }
  }
  return problems;
}
