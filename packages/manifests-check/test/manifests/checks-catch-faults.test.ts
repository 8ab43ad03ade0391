// Each check finds the fault it exists for: one mistake is put into a copy of the rendered Istio overlay, and the
// check must name it. (The manifests themselves pass the same checks in manifests.test.ts.)
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
import { checkWorkloadShape } from '../../src/checks/workload-shape.check.js';
import { find, type KubeObject, workloads } from '../../src/kube-object.js';
import { validateObject } from '../../src/schema-validation.js';
import { ingressServiceAccount, renderAll } from './rendered.js';

const { rendered, istioInstall } = renderAll();
const mesh = rendered.find((r) => r.overlay.path === 'istio/overlays/minikube')?.objects ?? [];

/** A deep copy of the overlay with one change made to it. */
function broken(change: (objects: KubeObject[]) => void): KubeObject[] {
  const objects = structuredClone(mesh);
  change(objects);
  return objects;
}
const pod = (objects: KubeObject[], name: string) => {
  const w = workloads(objects).find((p) => p.name === name);
  if (!w) throw new Error(`no workload ${name}`);
  return w.podSpec;
};
const configOf = (objects: KubeObject[], app: string) => {
  const map = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith(`${app}-config`));
  if (!map?.data) throw new Error(`no config of ${app}`);
  return map.data;
};
const spec = <T>(object: KubeObject | undefined) => object?.spec as T;

describe('the checks catch', () => {
  it('the overlay is rendered to break', () => {
    expect(mesh.length).toBeGreaterThan(40);
  });

  it('a field of the wrong type (schema)', () => {
    const objects = broken((o) => {
      (pod(o, 'gateway').containers[0] as { ports: unknown[] }).ports = [{ containerPort: '8080' }];
    });
    expect(objects.flatMap(validateObject).join('\n')).toMatch(
      /Deployment platform\/gateway: .*containerPort must be integer/,
    );
  });

  it('a Service whose selector matches nothing', () => {
    const objects = broken((o) => {
      spec<{ selector: Record<string, string> }>(find(o, 'Service', 'catalog')).selector = { app: 'catalogue' };
    });
    expect(checkSelectors(objects)).toContainEqual(
      expect.stringMatching(/Service platform\/catalog: selector .* matches no pod/),
    );
  });

  it('a target port no container has', () => {
    const objects = broken((o) => {
      spec<{ ports: { targetPort: string }[] }>(find(o, 'Service', 'auth')).ports[0]!.targetPort = 'http';
    });
    expect(checkPorts(objects)).toContainEqual(
      'Service platform/auth: target port http is on no container of Deployment platform/auth',
    );
  });

  it('a readiness probe on the liveness path', () => {
    const objects = broken((o) => {
      pod(o, 'orders').containers[0]!.readinessProbe!.httpGet!.path = '/healthz';
    });
    expect(checkProbes(objects)).toContainEqual(
      'Deployment platform/orders: readinessProbe asks /healthz, the service serves /readyz',
    );
  });

  it('a misspelt env var', () => {
    const objects = broken((o) => {
      configOf(o, 'gateway').GRPC_DEADLINE = '2000';
    });
    const accepted = new Map([['gateway', { names: new Set(['PORT', 'GRPC_DEADLINE_MS']) }]]);
    expect(checkEnvNames(objects, accepted)).toContainEqual(
      "Deployment platform/gateway: sets GRPC_DEADLINE, which gateway's config does not accept",
    );
  });

  it('X_FILE only for a variable X the service takes', () => {
    const objects = broken((o) => {
      const config = configOf(o, 'gateway');
      config.GRPC_DEADLINE_MS_FILE = '/run/secrets/deadline';
      config.GRPC_DEADLINE_FILE = '/run/secrets/deadline';
    });
    const accepted = new Map([['gateway', { names: new Set(['PORT', 'GRPC_DEADLINE_MS']) }]]);
    const problems = checkEnvNames(objects, accepted);
    expect(problems).toContainEqual(
      "Deployment platform/gateway: sets GRPC_DEADLINE_FILE, which gateway's config does not accept",
    );
    expect(problems.filter((problem) => problem.includes('GRPC_DEADLINE_MS_FILE'))).toEqual([]);
  });

  it('an image compose does not build', () => {
    const objects = broken((o) => {
      pod(o, 'auth').containers[0]!.image = 'platform/identity:dev';
    });
    expect(checkImages(objects)).toContainEqual(
      'Deployment platform/auth: image platform/identity:dev is not platform/auth',
    );
  });

  it('a privileged container and a writable root', () => {
    const objects = broken((o) => {
      const container = pod(o, 'catalog').containers[0]!;
      container.securityContext = { ...container.securityContext, privileged: true, readOnlyRootFilesystem: false };
    });
    expect(checkPodSecurity(objects)).toContainEqual('Deployment platform/catalog: container catalog is privileged');
    expect(checkWorkloadShape(objects)).toContainEqual(
      'Deployment platform/catalog container catalog: root filesystem is writable',
    );
  });

  it('a rolling update that may take pods away, and a grace period shorter than the shutdown', () => {
    const objects = broken((o) => {
      spec<{ strategy: { rollingUpdate: { maxUnavailable: number } } }>(
        find(o, 'Deployment', 'auth'),
      ).strategy.rollingUpdate.maxUnavailable = 1;
      pod(o, 'auth').terminationGracePeriodSeconds = 20;
    });
    const problems = checkWorkloadShape(objects);
    expect(problems).toContainEqual('Deployment platform/auth: rolling update without maxUnavailable: 0');
    expect(problems).toContainEqual(
      expect.stringMatching(/^Deployment platform\/auth: terminationGracePeriodSeconds 20 is not above/),
    );
  });

  it('a network policy letting the gateway reach the database', () => {
    const objects = broken((o) => {
      spec<{ egress: unknown[] }>(find(o, 'NetworkPolicy', 'gateway')).egress.push({
        to: [{ podSelector: { matchLabels: { app: 'postgres' } } }],
        ports: [{ protocol: 'TCP', port: 5432 }],
      });
    });
    expect(checkNetworkPolicyFlow(objects)).toContainEqual(
      'NetworkPolicy: egress gateway->postgres:5432 is not in the request flow',
    );
  });

  it('an authorization policy naming a service account that does not exist, and a call left out', () => {
    const objects = broken((o) => {
      const rules = spec<{ rules: { from: { source: { principals: string[] } }[] }[] }>(
        find(o, 'AuthorizationPolicy', 'orders'),
      ).rules;
      rules[0]!.from[0]!.source.principals = ['cluster.local/ns/platform/sa/api-gateway'];
    });
    const problems = checkAuthorizationFlow(objects, ingressServiceAccount(istioInstall));
    expect(problems).toContainEqual(
      'AuthorizationPolicy platform/orders: principal cluster.local/ns/platform/sa/api-gateway is no ServiceAccount a workload runs as',
    );
    expect(problems).toContainEqual(
      'AuthorizationPolicy: gateway->orders:50052 is in the request flow but not allowed',
    );
  });

  it('an issuer other than the one auth signs with, protected routes left open, and Envoy replies off contract', () => {
    const objects = broken((o) => {
      const rules = spec<{ jwtRules: { issuer: string }[] }>(find(o, 'RequestAuthentication', 'gateway-jwt')).jwtRules;
      rules[0]!.issuer = 'http://auth:8081';
      o.splice(o.indexOf(find(o, 'AuthorizationPolicy', 'gateway-require-jwt')!), 1);
      o.splice(o.indexOf(find(o, 'EnvoyFilter', 'gateway-problem-details')!), 1);
    });
    const problems = checkJwtPolicy(objects);
    expect(problems).toContainEqual(
      'RequestAuthentication platform/gateway-jwt: issuer http://auth:8081, auth issues http://auth.platform.svc.cluster.local:8081',
    );
    expect(problems).toContainEqual(expect.stringMatching(/^AuthorizationPolicy: nothing denies \/api\/orders/));
    expect(problems).toContainEqual(
      "EnvoyFilter: the gateway sidecar's own 403 does not leave as the contract's 401 problem details",
    );
  });

  it('a mesh timeout that no longer agrees with the caller after its deadline changed', () => {
    const objects = broken((o) => {
      configOf(o, 'orders').GRPC_DEADLINE_MS = '1500';
    });
    expect(checkMeshTimeouts(objects)).toContainEqual(
      "VirtualService platform/catalog: calls from orders time out after 1s, orders's GRPC_DEADLINE_MS is 1500",
    );
  });

  it('a canary that drifted from its stable version, and weights that do not add up', () => {
    const objects = broken((o) => {
      pod(o, 'orders-v2').containers[0]!.resources = { limits: { memory: '1Gi' } };
      const http = spec<{ http: { route: { weight: number }[] }[] }>(find(o, 'VirtualService', 'orders')).http;
      http[0]!.route[1]!.weight = 20;
    });
    const problems = checkCanaries(objects);
    expect(problems).toContainEqual(
      'Deployment platform/orders-v2: its pod spec differs from Deployment platform/orders in more than the image',
    );
    expect(problems).toContainEqual('VirtualService platform/orders: weights add up to 110, not 100');
  });
});
