// Every env var a manifest gives a service is one its config accepts, so a misspelt or stale name cannot be
// silently ignored by the service. A variable that only feeds another through `$(NAME)` (the downward API's pod
// name inside OTEL_RESOURCE_ATTRIBUTES) is not the service's to accept.

import { containerEnv, type KubeObject, ref, referencedEnvNames, workloads } from '../kube-object.js';
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
      const composing = referencedEnvNames(container);
      for (const [name, value] of containerEnv(objects, w.namespace, container)) {
        if (!acceptsEnv(config.names, name) && !composing.has(name))
          problems.push(`${ref(w.object)}: sets ${name}, which ${service.name}'s config does not accept`);
        if (value === undefined)
          problems.push(`${ref(w.object)}: ${name} refers to a ConfigMap or Secret key that does not exist`);
      }
    }
  }
  return problems;
}
