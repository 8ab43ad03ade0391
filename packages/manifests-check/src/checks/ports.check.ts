// Ports agree end to end: a Service's target port exists on every pod it selects, its name says its protocol the way
// Istio reads it, and every VirtualService or policy port is one the destination really has.
import { containerPort, find, type KubeObject, matchesLabels, ofKind, ref, workloads } from '../kube-object.js';

const protocolOfPrefix: Record<string, string> = { http: 'http', grpc: 'grpc', tcp: 'tcp' };

export function checkPorts(objects: KubeObject[]): string[] {
  const problems: string[] = [];
  const pods = workloads(objects);
  for (const service of ofKind(objects, 'Service')) {
    const spec = service.spec as {
      type?: string;
      selector?: Record<string, string>;
      ports?: { name?: string; port: number; targetPort?: number | string; appProtocol?: string }[];
    };
    if (spec.type === 'ExternalName') continue;
    const selected = pods.filter(
      (w) => w.namespace === service.metadata.namespace && matchesLabels(spec.selector, w.podLabels),
    );
    for (const port of spec.ports ?? []) {
      const prefix = port.name?.split('-')[0] ?? '';
      const protocol = protocolOfPrefix[prefix];
      if (!protocol || !port.name?.includes('-')) {
        problems.push(
          `${ref(service)}: port ${port.port} is named ${port.name ?? '(none)'}, not http-*, grpc-* or tcp-*`,
        );
      } else if (port.appProtocol !== protocol) {
        problems.push(
          `${ref(service)}: port ${port.name} has appProtocol ${port.appProtocol}, its name says ${protocol}`,
        );
      }
      const target = port.targetPort ?? port.port;
      for (const w of selected) {
        if (!w.podSpec.containers.some((c) => containerPort(c, target) !== undefined)) {
          problems.push(`${ref(service)}: target port ${target} is on no container of ${ref(w.object)}`);
        }
      }
    }
  }
  for (const vs of ofKind(objects, 'VirtualService')) {
    const http = (vs.spec as { http?: { route?: { destination: { host: string; port?: { number: number } } }[] }[] })
      .http;
    for (const destination of (http ?? []).flatMap((h) => h.route ?? []).map((r) => r.destination)) {
      const [name, namespace] = destination.host.split('.');
      const service = find(objects, 'Service', name ?? '', namespace);
      if (!service) {
        problems.push(`${ref(vs)}: routes to ${destination.host}, which is no Service`);
        continue;
      }
      const ports = (service.spec as { ports?: { port: number }[] }).ports ?? [];
      if (destination.port && !ports.some((p) => p.port === destination.port?.number)) {
        problems.push(`${ref(vs)}: ${destination.host} has no port ${destination.port.number}`);
      }
    }
  }
  for (const policy of ofKind(objects, 'AuthorizationPolicy')) {
    const spec = policy.spec as {
      selector?: { matchLabels?: Record<string, string> };
      rules?: { to?: { operation: { ports?: string[] } }[] }[];
    };
    const selected = pods.filter(
      (w) => w.namespace === policy.metadata.namespace && matchesLabels(spec.selector?.matchLabels, w.podLabels),
    );
    if (!spec.selector) continue;
    for (const port of (spec.rules ?? []).flatMap((r) => r.to ?? []).flatMap((t) => t.operation.ports ?? [])) {
      for (const w of selected) {
        if (!w.podSpec.containers.some((c) => containerPort(c, Number(port)) !== undefined)) {
          problems.push(`${ref(policy)}: port ${port} is on no container of ${ref(w.object)}`);
        }
      }
    }
  }
  return problems;
}
