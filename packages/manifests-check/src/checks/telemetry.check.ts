// Traces reach the collector: the services' OTLP endpoint and the mesh's tracing provider are Services and ports
// of the observability stack, and the Telemetry resource names a provider Istio is installed with.
import { find, type KubeObject, ofKind, ref, workloads } from '../kube-object.js';
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
