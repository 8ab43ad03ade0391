// Each service's probes ask the paths the contract says it serves (/healthz, /readyz), on the container port that
// its config tells the code to listen on, on every interface (HOST 0.0.0.0: services default to 127.0.0.1, which
// the kubelet and the Service cannot reach); its gRPC port and metrics annotation agree with the same config.
import { containerEnv, containerPort, type KubeObject, ref, workloads } from '../kube-object.js';
import { platformNamespace, platformServices } from '../platform-services.js';

export function checkProbes(objects: KubeObject[]): string[] {
  const problems: string[] = [];
  for (const w of workloads(objects).filter((p) => p.namespace === platformNamespace)) {
    const service = platformServices.find((s) => s.name === w.podLabels.app);
    if (!service) continue;
    const container = w.podSpec.containers.find((c) => c.name === service.name);
    if (!container) {
      problems.push(`${ref(w.object)}: no container named ${service.name}`);
      continue;
    }
    const env = containerEnv(objects, w.namespace, container);
    const host = env.get('HOST');
    if (host !== '0.0.0.0' && host !== '::')
      problems.push(
        `${ref(w.object)}: HOST is ${host ?? 'unset (127.0.0.1)'}, so probes and callers on the pod's address find nothing`,
      );
    const listens = Number(env.get(service.httpPortEnv));
    if (listens !== service.httpPort) {
      problems.push(
        `${ref(w.object)}: ${service.httpPortEnv} is ${env.get(service.httpPortEnv)}, the contract says ${service.httpPort}`,
      );
    }
    if (service.grpcPort !== undefined) {
      if (Number(env.get('GRPC_PORT')) !== service.grpcPort)
        problems.push(`${ref(w.object)}: GRPC_PORT is not ${service.grpcPort}`);
      if (containerPort(container, service.grpcPort) === undefined)
        problems.push(`${ref(w.object)}: no container port ${service.grpcPort}`);
    }
    const expected = { startupProbe: '/healthz', livenessProbe: '/healthz', readinessProbe: '/readyz' } as const;
    for (const [kind, path] of Object.entries(expected) as [keyof typeof expected, string][]) {
      const probe = container[kind];
      if (!probe?.httpGet) {
        problems.push(`${ref(w.object)}: no HTTP ${kind}`);
        continue;
      }
      if (probe.httpGet.path !== path)
        problems.push(`${ref(w.object)}: ${kind} asks ${probe.httpGet.path}, the service serves ${path}`);
      const port = containerPort(container, probe.httpGet.port as number | string);
      if (port !== listens)
        problems.push(
          `${ref(w.object)}: ${kind} port ${probe.httpGet.port} is ${port}, the service listens on ${listens}`,
        );
    }
    const annotations = (w.object.spec as { template: { metadata?: { annotations?: Record<string, string> } } })
      .template.metadata?.annotations;
    if (Number(annotations?.['prometheus.io/port']) !== listens || annotations?.['prometheus.io/path'] !== '/metrics') {
      problems.push(`${ref(w.object)}: prometheus.io annotations do not point at /metrics on port ${listens}`);
    }
  }
  return problems;
}
