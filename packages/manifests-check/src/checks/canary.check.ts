// A canary is the stable pod spec with another image and version label, nothing else; its route sends weights that
// add up to 100 to subsets the DestinationRule defines.
import { isDeepStrictEqual } from 'node:util';
import { type KubeObject, ofKind, ref, workloads } from '../kube-object.js';

export function checkCanaries(objects: KubeObject[]): string[] {
  const problems: string[] = [];
  const deployments = workloads(objects).filter((w) => w.object.kind === 'Deployment');
  for (const canary of deployments.filter((w) => w.podLabels.version && w.podLabels.version !== 'v1')) {
    const stable = deployments.find((w) => w.podLabels.app === canary.podLabels.app && w.podLabels.version === 'v1');
    if (!stable) {
      problems.push(`${ref(canary.object)}: no stable (version v1) Deployment of ${canary.podLabels.app}`);
      continue;
    }
    const comparable = (spec: typeof canary.podSpec) => ({
      ...spec,
      containers: spec.containers.map((c) => ({ ...c, image: undefined })),
    });
    if (!isDeepStrictEqual(comparable(canary.podSpec), comparable(stable.podSpec))) {
      problems.push(`${ref(canary.object)}: its pod spec differs from ${ref(stable.object)} in more than the image`);
    }
    const otherLabels = (labels: Record<string, string>) => ({ ...labels, version: undefined });
    if (!isDeepStrictEqual(otherLabels(canary.podLabels), otherLabels(stable.podLabels))) {
      problems.push(`${ref(canary.object)}: its pod labels differ from the stable ones in more than version`);
    }
  }
  for (const vs of ofKind(objects, 'VirtualService')) {
    const http = (
      vs.spec as { http?: { route?: { destination: { host: string; subset?: string }; weight?: number }[] }[] }
    ).http;
    for (const route of (http ?? []).map((h) => h.route ?? []).filter((r) => r.length > 1)) {
      const total = route.reduce((sum, r) => sum + (r.weight ?? 0), 0);
      if (total !== 100) problems.push(`${ref(vs)}: weights add up to ${total}, not 100`);
      for (const { destination } of route) {
        const rule = ofKind(objects, 'DestinationRule').find(
          (d) => (d.spec as { host: string }).host === destination.host,
        );
        const subsets = ((rule?.spec as { subsets?: { name: string }[] } | undefined)?.subsets ?? []).map(
          (s) => s.name,
        );
        if (destination.subset && !subsets.includes(destination.subset)) {
          problems.push(`${ref(vs)}: subset ${destination.subset} of ${destination.host} is in no DestinationRule`);
        }
      }
    }
  }
  return problems;
}
