// Outlier detection can only eject what maxEjectionPercent leaves: Envoy ejects at most that share of a pool,
// rounded down, so one pod at 50% is never ejected. Each pool a DestinationRule governs (the Service's pods, and each
// subset's) holds enough pods at its smallest (the autoscaler's minReplicas, or replicas) for one ejection.
import { find, type KubeObject, matchesLabels, ofKind, ref, workloads } from '../kube-object.js';

/** Istio's default when a DestinationRule does not say. */
const istioDefaultMaxEjectionPercent = 10;

const smallestReplicas = (objects: KubeObject[], workload: { object: KubeObject; name: string; namespace: string }) => {
  const hpa = ofKind(objects, 'HorizontalPodAutoscaler').find(
    (h) =>
      h.metadata.namespace === workload.namespace &&
      (h.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name === workload.name,
  );
  if (hpa) return (hpa.spec as { minReplicas?: number }).minReplicas ?? 1;
  return (workload.object.spec as { replicas?: number }).replicas ?? 1;
};

export function checkOutlierDetection(objects: KubeObject[]): string[] {
  const problems: string[] = [];
  for (const rule of ofKind(objects, 'DestinationRule')) {
    const spec = rule.spec as {
      host: string;
      trafficPolicy?: { outlierDetection?: { maxEjectionPercent?: number } };
      subsets?: { name: string; labels?: Record<string, string> }[];
    };
    const detection = spec.trafficPolicy?.outlierDetection;
    if (!detection) continue;
    const percent = detection.maxEjectionPercent ?? istioDefaultMaxEjectionPercent;
    const [name = '', namespace] = spec.host.split('.');
    const service = find(objects, 'Service', name, namespace);
    const selector = (service?.spec as { selector?: Record<string, string> } | undefined)?.selector ?? {};
    const pools = [
      { name: 'all pods', labels: selector },
      ...(spec.subsets ?? []).map((s) => ({ name: `subset ${s.name}`, labels: { ...selector, ...s.labels } })),
    ];
    for (const pool of pools) {
      const pods = workloads(objects)
        .filter((w) => w.namespace === namespace && matchesLabels(pool.labels, w.podLabels))
        .reduce((sum, w) => sum + smallestReplicas(objects, w), 0);
      if (Math.floor((pods * percent) / 100) < 1) {
        problems.push(
          `${ref(rule)}: ${pool.name} of ${name} can be as small as ${pods} pod(s); ${percent}% of that ejects nobody`,
        );
      }
    }
  }
  return problems;
}
