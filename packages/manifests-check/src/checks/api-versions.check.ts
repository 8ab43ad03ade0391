// Nothing is written against an API version or an image that its project has retired: Istio's kinds in their v1
// (served since Istio 1.22; the beta and alpha versions are deprecated and leave in a later release), and Jaeger v2
// instead of the v1 all-in-one image, which reached its end of life on 2025-12-31.
import { type KubeObject, ref, workloads } from '../kube-object.js';

/** Retired `apiVersion/kind` pairs and what replaces them. */
const retiredApis: Record<string, string> = {
  'networking.istio.io/v1alpha3': 'networking.istio.io/v1',
  'networking.istio.io/v1beta1': 'networking.istio.io/v1',
  'security.istio.io/v1beta1': 'security.istio.io/v1',
  'telemetry.istio.io/v1alpha1': 'telemetry.istio.io/v1',
};
/** Kinds that exist only in an older version: EnvoyFilter has no v1. */
const onlyVersion: Record<string, string> = { EnvoyFilter: 'networking.istio.io/v1alpha3' };

/** Image repositories that are no longer maintained, and their successors. */
export const retiredImages: Record<string, string> = {
  'jaegertracing/all-in-one': 'jaegertracing/jaeger (Jaeger v2)',
};

export function retiredImage(image: string): string | undefined {
  const repository = image.split('@')[0]?.replace(/:[^/]*$/, '') ?? '';
  return retiredImages[repository.replace(/^docker\.io\//, '')];
}

export function checkApiVersions(objects: KubeObject[]): string[] {
  const problems: string[] = [];
  for (const object of objects) {
    if (onlyVersion[object.kind] === object.apiVersion) continue;
    const successor = retiredApis[object.apiVersion];
    if (successor) problems.push(`${ref(object)}: ${object.apiVersion} is retired, write it as ${successor}`);
  }
  for (const w of workloads(objects)) {
    for (const container of [...(w.podSpec.initContainers ?? []), ...w.podSpec.containers]) {
      const successor = retiredImage(container.image ?? '');
      if (successor) problems.push(`${ref(w.object)}: image ${container.image} is retired, use ${successor}`);
    }
  }
  return problems;
}
