// Every overlay renders, every object conforms to its Kubernetes or Istio schema, and the objects agree with each
// other and with the code (see src/checks). A failure lists every problem found.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkApiVersions, retiredImage } from '../../src/checks/api-versions.check.js';
import { checkAutoscaling } from '../../src/checks/autoscaling.check.js';
import { checkCanaries } from '../../src/checks/canary.check.js';
import { checkEdgeRouting } from '../../src/checks/edge-routing.check.js';
import { checkEnvNames } from '../../src/checks/env.check.js';
import { checkImages } from '../../src/checks/images.check.js';
import { checkIstioInstall } from '../../src/checks/install.check.js';
import { checkJwtPolicy, checkTokenIssuer } from '../../src/checks/jwt.check.js';
import { checkLinkerdRoutes } from '../../src/checks/linkerd.check.js';
import { checkMeshTimeouts } from '../../src/checks/mesh-timeouts.check.js';
import { checkOutlierDetection } from '../../src/checks/outlier-detection.check.js';
import { checkPodSecurity } from '../../src/checks/pod-security.check.js';
import { checkPorts } from '../../src/checks/ports.check.js';
import { checkProbes } from '../../src/checks/probes.check.js';
import { checkAuthorizationFlow, checkNetworkPolicyFlow } from '../../src/checks/request-flow.check.js';
import { checkRequestIdPreserved } from '../../src/checks/request-id.check.js';
import { checkIdempotentMethodsExist, checkRetries } from '../../src/checks/retries.check.js';
import { checkSecretFiles } from '../../src/checks/secret-files.check.js';
import { checkSelectors } from '../../src/checks/selectors.check.js';
import { checkTelemetry } from '../../src/checks/telemetry.check.js';
import { checkWorkloadShape } from '../../src/checks/workload-shape.check.js';
import type { KubeObject } from '../../src/kube-object.js';
import { platformServices } from '../../src/platform-services.js';
import { repoRoot } from '../../src/repo.js';
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

  it('uses no retired API version or image', () => {
    expect(checkApiVersions(objectsOf(path))).toEqual([]);
  });
});

it('names only gRPC methods the protos declare as idempotent', () => {
  expect(checkIdempotentMethodsExist()).toEqual([]);
});

it('runs no retired image in docker compose either', () => {
  const compose = parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, { image?: string }>;
  };
  const images = Object.values(compose.services).map((s) => (s.image ?? '').replace(/^\$\{[A-Z_]+:-(.*)\}$/, '$1'));
  expect(images.filter((image) => retiredImage(image))).toEqual([]);
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

  it('names one public issuer in every service, and fetches the JWKS from auth inside the cluster', () => {
    expect(checkTokenIssuer(objectsOf(path))).toEqual([]);
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

  it('passes secrets as files, never as env values', () => {
    expect(checkSecretFiles(objectsOf(path))).toEqual([]);
  });

  it('routes the whole contract to the gateway at the edge, and no ops path anywhere', () => {
    expect(checkEdgeRouting(objectsOf(path))).toEqual([]);
  });

  it('autoscales on the app container, from two pods, at a point far above idle', () => {
    expect(checkAutoscaling(objectsOf(path))).toEqual([]);
  });

  it('under Linkerd, times out and retries gRPC calls as under Istio', () => {
    expect(checkLinkerdRoutes(objectsOf(path))).toEqual([]);
  });
});

it('renders the platform meshed by Linkerd, and on the Gateway API', () => {
  expect(platformOverlays).toEqual(
    expect.arrayContaining(['k8s/overlays/minikube-linkerd', 'k8s/overlays/minikube-gateway-api']),
  );
});

const meshOverlays = rendered.filter((r) => r.objects && isMesh(r.objects)).map((r) => r.overlay.path);

it('renders the mesh in the istio overlay', () => {
  expect(meshOverlays).toContain('istio/overlays/minikube');
});

describe.each(meshOverlays)('mesh in %s', (path) => {
  it('allows by service account exactly the calls of the request flow, after allow-nothing', () => {
    expect(checkAuthorizationFlow(objectsOf(path), ingressServiceAccount(istioInstall))).toEqual([]);
  });

  it('checks JWTs with the issuer, JWKS address and audience auth uses, and answers as the contract does', () => {
    expect(checkJwtPolicy(objectsOf(path))).toEqual([]);
  });

  it('times out internal calls with a margin above the callers own deadlines', () => {
    expect(checkMeshTimeouts(objectsOf(path))).toEqual([]);
  });

  it('retries only idempotent requests, at the edge and inside', () => {
    expect(checkRetries(objectsOf(path), istioInstall)).toEqual([]);
  });

  it("keeps a client's x-request-id through the ingress and the gateway's sidecar", () => {
    expect(checkRequestIdPreserved(objectsOf(path))).toEqual([]);
  });

  it('installs Istio with native sidecars and Envoy-fetched JWKS', () => {
    expect(checkIstioInstall(objectsOf(path), istioInstall)).toEqual([]);
  });

  it('sizes every pool so that outlier detection can eject a pod', () => {
    expect(checkOutlierDetection(objectsOf(path))).toEqual([]);
  });

  it('sends traces from services and proxies to the collector of the observability stack', () => {
    expect(checkTelemetry(objectsOf(path), objectsOf('observability/k8s'), istioInstall)).toEqual([]);
  });
});
