// The contract keeps an incoming x-request-id. Envoy resets the id of every request it takes for external, and
// current Envoy takes every address for external by default, a port-forward's 127.0.0.1 included (istio/istio#43833,
// #57938). So each Envoy in front of the gateway that sees the client's request (the ingress gateway, and the
// gateway's own sidecar) has preserve_external_request_id set on its HTTP connection manager.
import { type KubeObject, ofKind } from '../kube-object.js';

interface EnvoyFilterSpec {
  workloadSelector?: { labels?: Record<string, string> };
  configPatches?: {
    applyTo?: string;
    match?: { context?: string };
    patch?: { value?: { typed_config?: { preserve_external_request_id?: boolean } } };
  }[];
}

const preserves = (
  objects: KubeObject[],
  selects: (f: KubeObject, spec: EnvoyFilterSpec) => boolean,
  context: string,
) =>
  ofKind(objects, 'EnvoyFilter').some((f) => {
    const spec = f.spec as EnvoyFilterSpec;
    return (
      selects(f, spec) &&
      (spec.configPatches ?? []).some(
        (p) =>
          p.applyTo === 'NETWORK_FILTER' &&
          p.match?.context === context &&
          p.patch?.value?.typed_config?.preserve_external_request_id === true,
      )
    );
  });

export function checkRequestIdPreserved(objects: KubeObject[]): string[] {
  const problems: string[] = [];
  const ingress = preserves(
    objects,
    (f, spec) => f.metadata.namespace === 'istio-system' && spec.workloadSelector?.labels?.istio === 'ingressgateway',
    'GATEWAY',
  );
  if (!ingress)
    problems.push("EnvoyFilter: the ingress gateway resets a client's x-request-id (no preserve_external_request_id)");
  const sidecar = preserves(objects, (_f, spec) => spec.workloadSelector?.labels?.app === 'gateway', 'SIDECAR_INBOUND');
  if (!sidecar)
    problems.push(
      "EnvoyFilter: the gateway's sidecar resets a client's x-request-id (no preserve_external_request_id)",
    );
  return problems;
}
