// What the Istio install profile must turn on for the pods' shutdown and the JWT checks to work as the manifests
// assume: native sidecars (a classic sidecar drains for 5 s and exits while the app's preStop and drain still need
// it: istio-proxy's terminationDrainDuration), and Envoy fetching the JWKS itself over the mesh.
import { containerEnv, type KubeObject, workloads } from '../kube-object.js';
import { platformNamespace } from '../platform-services.js';

interface OperatorSpec {
  meshConfig?: { defaultConfig?: { terminationDrainDuration?: string } };
  values?: { pilot?: { env?: Record<string, string | boolean> } };
}

/** How long a classic sidecar keeps serving after the pod is told to stop (Istio's terminationDrainDuration). */
const classicDrainSeconds = (spec: OperatorSpec | undefined): number => {
  const match = /^(\d+)s$/.exec(spec?.meshConfig?.defaultConfig?.terminationDrainDuration ?? '5s');
  return Number(match?.[1] ?? 5);
};

export function checkIstioInstall(platform: KubeObject[], istioInstall: KubeObject[]): string[] {
  const problems: string[] = [];
  const operator = istioInstall.find((o) => o.kind === 'IstioOperator');
  if (!operator) return ['IstioOperator: none in the install files'];
  const spec = operator.spec as OperatorSpec;
  const env = spec.values?.pilot?.env ?? {};
  const native = String(env.ENABLE_NATIVE_SIDECARS ?? 'false') === 'true';
  if (String(env.PILOT_JWT_ENABLE_REMOTE_JWKS) !== 'envoy')
    problems.push(
      'IstioOperator: PILOT_JWT_ENABLE_REMOTE_JWKS is not "envoy": istiod would fetch the JWKS from outside the mesh, which STRICT mTLS refuses',
    );
  if (native) return problems;
  const drain = classicDrainSeconds(spec);
  for (const w of workloads(platform).filter(
    (p) => p.namespace === platformNamespace && p.object.kind === 'Deployment',
  )) {
    const container = w.podSpec.containers[0];
    if (!container) continue;
    const preStop = container.lifecycle?.preStop?.sleep?.seconds ?? 0;
    const shutdownMs = Number(containerEnv(platform, w.namespace, container).get('SHUTDOWN_TIMEOUT_MS') ?? 10_000);
    const needs = preStop + Math.ceil(shutdownMs / 1000);
    if (drain < needs) {
      problems.push(
        `IstioOperator: without ENABLE_NATIVE_SIDECARS the sidecar of ${w.name} exits after ${drain} s, its preStop and shutdown need ${needs} s`,
      );
    }
  }
  return problems;
}
