// The autoscalers can scale, and only under load: each one reads the CPU of its app container (ContainerResource; a
// pod-wide figure would count the mesh's sidecar too), keeps at least two pods, may add one, and its target (a share
// of the container's CPU request) sits well above what an idle service uses, so that it scales under the load
// generator and not at rest. Requests of 25m with a 70% target (17.5m) were within reach of an idle pod.
import { find, type KubeObject, ofKind, ref } from '../kube-object.js';

/** CPU an idle service uses, in millicores (measured: see packages/manifests-check/README.md). */
export const idleCpuMillicores = 10;
/** How far above idle the scaling point must sit. */
export const idleHeadroom = 3;

const millicores = (quantity: string | number | undefined): number | undefined => {
  if (quantity === undefined) return undefined;
  const text = String(quantity);
  return text.endsWith('m') ? Number(text.slice(0, -1)) : Number(text) * 1000;
};

interface AutoscalerSpec {
  scaleTargetRef: { kind: string; name: string };
  minReplicas?: number;
  maxReplicas: number;
  metrics?: {
    type: string;
    containerResource?: { name: string; container: string; target: { type: string; averageUtilization?: number } };
  }[];
}

export function checkAutoscaling(objects: KubeObject[]): string[] {
  const problems: string[] = [];
  for (const hpa of ofKind(objects, 'HorizontalPodAutoscaler')) {
    const spec = hpa.spec as unknown as AutoscalerSpec;
    const at = ref(hpa);
    if ((spec.minReplicas ?? 1) < 2) problems.push(`${at}: minReplicas ${spec.minReplicas ?? 1}, want 2 at least`);
    if (spec.maxReplicas <= (spec.minReplicas ?? 1)) problems.push(`${at}: maxReplicas leaves no room to scale`);
    const target = find(objects, spec.scaleTargetRef.kind, spec.scaleTargetRef.name, hpa.metadata.namespace);
    const containers =
      (
        target?.spec as {
          template?: { spec?: { containers?: { name: string; resources?: { requests?: Record<string, string> } }[] } };
        }
      )?.template?.spec?.containers ?? [];
    for (const metric of spec.metrics ?? []) {
      if (metric.type !== 'ContainerResource') {
        problems.push(`${at}: scales on a ${metric.type} metric, which counts the sidecar too; use ContainerResource`);
        continue;
      }
      const resource = metric.containerResource;
      if (resource?.name !== 'cpu') continue;
      const container = containers.find((c) => c.name === resource.container);
      if (!container) {
        problems.push(`${at}: container ${resource.container} is not in ${spec.scaleTargetRef.name}`);
        continue;
      }
      const request = millicores(container.resources?.requests?.cpu);
      const utilization = resource.target.averageUtilization;
      if (request === undefined || utilization === undefined) {
        problems.push(`${at}: no CPU request or utilization target to scale on`);
        continue;
      }
      const point = (request * utilization) / 100;
      if (point < idleCpuMillicores * idleHeadroom)
        problems.push(
          `${at}: scales at ${point}m (${utilization}% of ${request}m), within ${idleHeadroom}x of an idle service's ${idleCpuMillicores}m`,
        );
    }
  }
  return problems;
}
