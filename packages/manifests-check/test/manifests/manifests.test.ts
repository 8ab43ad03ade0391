// Every overlay renders, every object conforms to its Kubernetes or Istio schema, and the objects agree with each
// other and with the code (see src/checks). A failure lists every problem found.
import { describe, expect, it } from 'vitest';
import { checkCanaries } from '../../src/checks/canary.check.js';
import { checkEnvNames } from '../../src/checks/env.check.js';
import { checkImages } from '../../src/checks/images.check.js';
import { checkJwtPolicy } from '../../src/checks/jwt.check.js';
import { checkMeshTimeouts } from '../../src/checks/mesh-timeouts.check.js';
import { checkPodSecurity } from '../../src/checks/pod-security.check.js';
import { checkPorts } from '../../src/checks/ports.check.js';
import { checkProbes } from '../../src/checks/probes.check.js';
import { checkAuthorizationFlow, checkNetworkPolicyFlow } from '../../src/checks/request-flow.check.js';
import { checkSelectors } from '../../src/checks/selectors.check.js';
import { checkTelemetry } from '../../src/checks/telemetry.check.js';
import { checkWorkloadShape } from '../../src/checks/workload-shape.check.js';
import type { KubeObject } from '../../src/kube-object.js';
import { platformServices } from '../../src/platform-services.js';
import { validateObject } from '../../src/schema-validation.js';
import { type AcceptedEnv, acceptedEnv } from '../../src/service-config.js';
import { ingressServiceAccount, isMesh, isPlatform, renderAll } from './rendered.js';

const { rendered, istioInstall } = renderAll();
const objectsOf = (path: string): KubeObject[] => {
  const found = rendered.find((r) => r.overlay.path === path);
  if (!found?.objects) throw found?.error ?? new Error(`${path} was not rendered`);
  return found.objects;
};

it('finds the overlays: k8s, istio and observability', () => {
  expect(rendered.map((r) => r.overlay.path)).toEqual(
    expect.arrayContaining(['k8s/overlays/minikube', 'istio/overlays/minikube', 'observability/k8s']),
  );
});

it('validates the istioctl install file and the Kiali glue against their schemas', () => {
  expect(istioInstall.flatMap(validateObject)).toEqual([]);
  expect(istioInstall.map((o) => o.kind)).toEqual(['IstioOperator', 'Service']);
});

describe.each(rendered.map((r) => r.overlay.path))('%s', (path) => {
  it('renders with kubectl kustomize', () => {
    const result = rendered.find((r) => r.overlay.path === path);
    expect(result?.error?.message).toBeUndefined();
    expect(result?.objects?.length).toBeGreaterThan(0);
  });

  it('has only objects that conform to their schema', () => {
    expect(objectsOf(path).flatMap(validateObject)).toEqual([]);
  });

  it('has selectors that select, and ports that exist where they are pointed at', () => {
    const objects = objectsOf(path);
    expect([...checkSelectors(objects), ...checkPorts(objects)]).toEqual([]);
  });

  it('runs every pod under Pod Security "restricted", read-only, probed, sized and rolling without loss', () => {
    const objects = objectsOf(path);
    expect([...checkPodSecurity(objects), ...checkWorkloadShape(objects)]).toEqual([]);
  });
});

const platformOverlays = rendered.filter((r) => r.objects && isPlatform(r.objects)).map((r) => r.overlay.path);
const accepted = new Map<string, AcceptedEnv>();
for (const service of platformServices) accepted.set(service.name, await acceptedEnv(service.name));

it('renders the platform in both overlays', () => {
  expect(platformOverlays).toEqual(expect.arrayContaining(['k8s/overlays/minikube', 'istio/overlays/minikube']));
});

describe.each(platformOverlays)('platform in %s', (path) => {
  it('probes the paths and ports each service serves, as its config makes it listen', () => {
    expect(checkProbes(objectsOf(path))).toEqual([]);
  });

  it('gives each service only env vars its config accepts', () => {
    expect(checkEnvNames(objectsOf(path), accepted)).toEqual([]);
  });

  it('runs the images compose builds', () => {
    expect(checkImages(objectsOf(path))).toEqual([]);
  });

  it('lets through its network policies exactly the calls of the request flow', () => {
    expect(checkNetworkPolicyFlow(objectsOf(path))).toEqual([]);
  });

  it('keeps canaries identical to their stable version but for the image', () => {
    expect(checkCanaries(objectsOf(path))).toEqual([]);
  });
});

const meshOverlays = rendered.filter((r) => r.objects && isMesh(r.objects)).map((r) => r.overlay.path);

it('renders the mesh in the istio overlay', () => {
  expect(meshOverlays).toContain('istio/overlays/minikube');
});

describe.each(meshOverlays)('mesh in %s', (path) => {
  it('allows by service account exactly the calls of the request flow, after allow-nothing', () => {
    expect(checkAuthorizationFlow(objectsOf(path), ingressServiceAccount(istioInstall))).toEqual([]);
  });

  it('checks JWTs with the issuer, JWKS address and audience auth uses, and requires them on protected routes', () => {
    expect(checkJwtPolicy(objectsOf(path))).toEqual([]);
  });

  it('times out internal calls exactly at the callers own deadlines', () => {
    expect(checkMeshTimeouts(objectsOf(path))).toEqual([]);
  });

  it('sends traces from services and proxies to the collector of the observability stack', () => {
    expect(checkTelemetry(objectsOf(path), objectsOf('observability/k8s'), istioInstall)).toEqual([]);
  });
});
