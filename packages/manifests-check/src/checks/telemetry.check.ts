// Traces reach the collector: the services' OTLP endpoint and the mesh's tracing provider are Services and ports
// of the observability stack, and the Telemetry resource names a provider Istio is installed with. The export does
// not pass through the pod's own sidecar (which would start a new trace for each batch), and every span carries the
// pod, namespace and node it came from (OpenTelemetry's k8s.* resource attributes, from the downward API).
import { containerEnv, find, type KubeObject, ofKind, ref, workloads } from '../kube-object.js';
import { platformNamespace } from '../platform-services.js';
import { serviceEnv } from './jwt.check.js';

const hasPort = (objects: KubeObject[], host: string, port: number): boolean => {
  const [name, namespace] = host.split('.');
  const service = find(objects, 'Service', name ?? '', namespace);
  return ((service?.spec as { ports?: { port: number }[] } | undefined)?.ports ?? []).some((p) => p.port === port);
};

export function checkTelemetry(
  platform: KubeObject[],
  observability: KubeObject[],
  istioInstall: KubeObject[],
): string[] {
  const problems: string[] = [];
  for (const app of new Set(
    workloads(platform)
      .filter((w) => w.namespace === platformNamespace)
      .map((w) => w.podLabels.app ?? ''),
  )) {
    const endpoint = serviceEnv(platform, app).get('OTEL_EXPORTER_OTLP_ENDPOINT');
    if (!endpoint) continue;
    const url = new URL(endpoint);
    if (!hasPort(observability, url.hostname, Number(url.port)))
      problems.push(`${app}: OTLP endpoint ${endpoint} is no collector Service port`);
  }
  const meshed = platform.some((o) => o.apiVersion.startsWith('security.istio.io/'));
  for (const w of workloads(platform).filter((p) => p.namespace === platformNamespace)) {
    const container = w.podSpec.containers[0];
    if (!container) continue;
    const env = containerEnv(platform, w.namespace, container, { name: 'the-pod', node: 'the-node' });
    const endpoint = env.get('OTEL_EXPORTER_OTLP_ENDPOINT');
    if (!endpoint) continue;
    const attributes = new Map(
      (env.get('OTEL_RESOURCE_ATTRIBUTES') ?? '').split(',').map((pair) => pair.split('=') as [string, string]),
    );
    const expected = { 'k8s.pod.name': 'the-pod', 'k8s.namespace.name': w.namespace, 'k8s.node.name': 'the-node' };
    for (const [key, value] of Object.entries(expected)) {
      if (attributes.get(key) !== value)
        problems.push(`${ref(w.object)}: spans do not carry ${key} (OTEL_RESOURCE_ATTRIBUTES from the downward API)`);
    }
    if (!meshed) continue;
    const annotations = (w.object.spec as { template: { metadata?: { annotations?: Record<string, string> } } })
      .template.metadata?.annotations;
    const excluded = (annotations?.['traffic.sidecar.istio.io/excludeOutboundPorts'] ?? '')
      .split(',')
      .map((p) => p.trim());
    const port = new URL(endpoint).port || (endpoint.startsWith('https') ? '443' : '80');
    if (!excluded.includes(port))
      problems.push(
        `${ref(w.object)}: its OTLP export (port ${port}) goes through its sidecar, which starts a trace per batch`,
      );
  }
  const operator = istioInstall.find((o) => o.kind === 'IstioOperator');
  const providers =
    (
      operator?.spec as {
        meshConfig?: { extensionProviders?: { name: string; opentelemetry?: { service: string; port: number } }[] };
      }
    )?.meshConfig?.extensionProviders ?? [];
  for (const provider of providers) {
    if (
      provider.opentelemetry &&
      !hasPort(observability, provider.opentelemetry.service, provider.opentelemetry.port)
    ) {
      problems.push(
        `IstioOperator: provider ${provider.name} sends to ${provider.opentelemetry.service}:${provider.opentelemetry.port}, which is no Service port`,
      );
    }
  }
  for (const telemetry of ofKind(platform, 'Telemetry')) {
    const tracing =
      (telemetry.spec as { tracing?: { providers?: { name: string }[]; randomSamplingPercentage?: number }[] })
        .tracing ?? [];
    for (const entry of tracing) {
      if (entry.randomSamplingPercentage === undefined) problems.push(`${ref(telemetry)}: states no sampling rate`);
      for (const { name } of entry.providers ?? []) {
        if (!providers.some((p) => p.name === name))
          problems.push(`${ref(telemetry)}: provider ${name} is not in the IstioOperator's meshConfig`);
      }
    }
  }
  return problems;
}
