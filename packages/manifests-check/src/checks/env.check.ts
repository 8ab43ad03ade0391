// Every env var a manifest gives a service is one its config accepts, so a misspelt or stale name cannot be
// silently ignored by the service.

import { containerEnv, type KubeObject, ref, workloads } from '../kube-object.js';
import { platformNamespace, platformServices } from '../platform-services.js';
import { type AcceptedEnv, acceptsEnv } from '../service-config.js';

export function checkEnvNames(objects: KubeObject[], accepted: Map<string, AcceptedEnv>): string[] {
  const problems: string[] = [];
  for (const w of workloads(objects).filter((p) => p.namespace === platformNamespace)) {
    const service = platformServices.find((s) => s.name === w.podLabels.app);
    if (!service) continue;
    const config = accepted.get(service.name);
    if (!config) continue;
    if ('unavailable' in config) {
      problems.push(`${ref(w.object)}: cannot check its env names: ${config.unavailable}`);
      continue;
    }
    for (const container of w.podSpec.containers) {
      for (const [name, value] of containerEnv(objects, w.namespace, container)) {
        if (!acceptsEnv(config.names, name))
          problems.push(`${ref(w.object)}: sets ${name}, which ${service.name}'s config does not accept`);
        if (value === undefined)
          problems.push(`${ref(w.object)}: ${name} refers to a ConfigMap or Secret key that does not exist`);
      }
    }
  }
  return problems;
}
