// Renders every overlay once per test file, from a scratch copy with throwaway secrets.
import { find, type KubeObject } from '../../src/kube-object.js';
import { copyManifests, kubectlAvailable, type Overlay, overlays, readManifest, render } from '../../src/render.js';

export interface Rendered {
  overlay: Overlay;
  objects?: KubeObject[];
  error?: Error;
}

export function renderAll(): { rendered: Rendered[]; istioInstall: KubeObject[] } {
  const missing = kubectlAvailable();
  if (missing) throw new Error(missing);
  const copy = copyManifests();
  try {
    const rendered = overlays(copy.root).map((overlay): Rendered => {
      try {
        return { overlay, objects: render(copy, overlay) };
      } catch (error) {
        return { overlay, error: error as Error };
      }
    });
    return {
      rendered,
      istioInstall: [
        ...readManifest('istio/install/istio-operator.yaml'),
        ...readManifest('istio/install/kiali-prometheus.yaml'),
      ],
    };
  } finally {
    copy.dispose();
  }
}

/** The service account Istio gives the ingress gateway the install file names. */
export function ingressServiceAccount(istioInstall: KubeObject[]): string {
  const operator = istioInstall.find((o) => o.kind === 'IstioOperator');
  const gateways = (operator?.spec as { components?: { ingressGateways?: { name: string; enabled?: boolean }[] } })
    ?.components?.ingressGateways;
  const name = gateways?.find((g) => g.enabled)?.name ?? 'none';
  return `${name}-service-account`;
}

export const isPlatform = (objects: KubeObject[]) => find(objects, 'Namespace', 'platform') !== undefined;
export const isMesh = (objects: KubeObject[]) => objects.some((o) => o.apiVersion.startsWith('security.istio.io/'));
