// What the platform asks of every pod beyond Pod Security: a non-zero user, a read-only root with an emptyDir for
// /tmp, probes, requests and limits, rolling updates that never go below the wanted count, and a shutdown that
// outlasts endpoint propagation; and for each service its full set of objects.
import { containerEnv, find, type KubeObject, ofKind, ref, workloads } from '../kube-object.js';
import { platformNamespace, platformServices } from '../platform-services.js';

/** Endpoint removal reaches kube-proxy and every Envoy within a few seconds; preStop must outlast it. */
export const minimumPreStopSeconds = 5;

export function checkWorkloadShape(objects: KubeObject[]): string[] {
  const problems: string[] = [];
  for (const w of workloads(objects)) {
    const at = ref(w.object);
    const pod = w.podSpec.securityContext ?? {};
    for (const container of w.podSpec.containers) {
      const name = `${at} container ${container.name}`;
      const c = container.securityContext ?? {};
      const uid = c.runAsUser ?? pod.runAsUser;
      if (!uid) problems.push(`${name}: no non-zero runAsUser`);
      if (c.readOnlyRootFilesystem !== true) problems.push(`${name}: root filesystem is writable`);
      const tmp = (container.volumeMounts ?? []).find((m) => m.mountPath === '/tmp');
      const tmpVolume = (w.podSpec.volumes ?? []).find((v) => v.name === tmp?.name);
      if (!tmpVolume?.emptyDir) problems.push(`${name}: no emptyDir mounted at /tmp`);
      if (!container.livenessProbe || !container.readinessProbe)
        problems.push(`${name}: needs a liveness and a readiness probe`);
      for (const kind of ['requests', 'limits'] as const) {
        for (const resource of ['cpu', 'memory']) {
          if (!container.resources?.[kind]?.[resource]) problems.push(`${name}: no ${resource} in resources.${kind}`);
        }
      }
    }
    if (w.object.kind === 'Deployment') {
      const strategy = (
        w.object.spec as { strategy?: { type?: string; rollingUpdate?: { maxUnavailable?: number | string } } }
      ).strategy;
      const recreate = strategy?.type === 'Recreate';
      // a single-writer tool (Prometheus' TSDB) may recreate; every service rolls
      if (!recreate && strategy?.rollingUpdate?.maxUnavailable !== 0)
        problems.push(`${at}: rolling update without maxUnavailable: 0`);
      if (recreate && w.namespace === platformNamespace)
        problems.push(`${at}: a platform service must roll, not recreate`);
    }
  }

  const platform = find(objects, 'Namespace', platformNamespace) !== undefined;
  for (const service of platform ? platformServices : []) {
    const kinds = service.onDemand
      ? ['Deployment', 'ServiceAccount']
      : ['Deployment', 'Service', 'ServiceAccount', 'PodDisruptionBudget', 'HorizontalPodAutoscaler'];
    for (const kind of kinds) {
      if (!find(objects, kind, service.name, platformNamespace)) problems.push(`${service.name}: no ${kind}`);
    }
    if (service.onDemand) {
      const replicas = (find(objects, 'Deployment', service.name, platformNamespace)?.spec as { replicas?: number })
        ?.replicas;
      if (replicas !== 0)
        problems.push(
          `${service.name}: runs only when asked for, but its Deployment sets replicas ${replicas ?? 'unset (1)'}, not 0`,
        );
      if (find(objects, 'HorizontalPodAutoscaler', service.name, platformNamespace))
        problems.push(`${service.name}: runs only when asked for, but an autoscaler would start it`);
    }
  }
  for (const w of workloads(objects).filter(
    (p) => p.namespace === platformNamespace && p.object.kind === 'Deployment',
  )) {
    const at = ref(w.object);
    const container = w.podSpec.containers[0];
    if (!container) continue;
    if (!container.envFrom?.some((e) => e.configMapRef?.name?.startsWith(`${w.podLabels.app}-config`))) {
      problems.push(`${at}: takes no ${w.podLabels.app}-config ConfigMap`);
    }
    const preStop = container.lifecycle?.preStop?.sleep?.seconds;
    // nothing routes to an on-demand service, so there is no endpoint removal to wait for
    const called = !platformServices.find((s) => s.name === w.podLabels.app)?.onDemand;
    if (called && (preStop === undefined || preStop < minimumPreStopSeconds)) {
      problems.push(`${at}: preStop sleep ${preStop ?? 'missing'}, must be at least ${minimumPreStopSeconds} s`);
    }
    const env = containerEnv(objects, w.namespace, container);
    const drainMs = Number(env.get('SHUTDOWN_DRAIN_DELAY_MS') ?? 0) + Number(env.get('SHUTDOWN_TIMEOUT_MS') ?? 10_000);
    const grace = w.podSpec.terminationGracePeriodSeconds ?? 30;
    if (grace * 1000 <= (preStop ?? 0) * 1000 + drainMs) {
      problems.push(
        `${at}: terminationGracePeriodSeconds ${grace} is not above preStop ${preStop} s + drain and shutdown ${drainMs} ms`,
      );
    }
    const scaled = ofKind(objects, 'HorizontalPodAutoscaler').some(
      (h) => (h.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name === w.name,
    );
    if (scaled && (w.object.spec as { replicas?: number }).replicas !== undefined) {
      problems.push(`${at}: sets replicas although an autoscaler owns them (each apply would reset the count)`);
    }
  }
  return problems;
}
