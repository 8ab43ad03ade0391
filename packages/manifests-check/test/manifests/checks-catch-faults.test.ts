// Each check finds the fault it exists for: one mistake is put into a copy of a rendered overlay, and the check must
// name it. Where a check was added for a finding of a review (issue 14 and others), the mistake put in is the shape
// the manifests had before the fix, so the test shows the check failing on the old manifests. (The manifests
// themselves pass the same checks in manifests.test.ts.)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { checkApiVersions } from '../../src/checks/api-versions.check.js';
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
import { checkRetries } from '../../src/checks/retries.check.js';
import { checkSecretFiles } from '../../src/checks/secret-files.check.js';
import { checkSelectors } from '../../src/checks/selectors.check.js';
import { checkTelemetry } from '../../src/checks/telemetry.check.js';
import { checkWorkloadShape } from '../../src/checks/workload-shape.check.js';
import { find, type KubeObject, ofKind, workloads } from '../../src/kube-object.js';
import { parseObjects } from '../../src/render.js';
import { repoRoot } from '../../src/repo.js';
import { validateObject } from '../../src/schema-validation.js';
import { ingressServiceAccount, renderAll } from './rendered.js';

const { rendered, istioInstall } = renderAll();
const mesh = rendered.find((r) => r.overlay.path === 'istio/overlays/minikube')?.objects ?? [];
const plain = rendered.find((r) => r.overlay.path === 'k8s/overlays/minikube')?.objects ?? [];
const observability = rendered.find((r) => r.overlay.path === 'observability/k8s')?.objects ?? [];
const gatewayApi = rendered.find((r) => r.overlay.path === 'k8s/overlays/minikube-gateway-api')?.objects ?? [];
const linkerd = rendered.find((r) => r.overlay.path === 'k8s/overlays/minikube-linkerd')?.objects ?? [];

/** A deep copy of the overlay (the Istio one unless told) with one change made to it. */
function broken(change: (objects: KubeObject[]) => void, overlay = mesh): KubeObject[] {
  const objects = structuredClone(overlay);
  change(objects);
  return objects;
}
/** Replaces an object of the copy by the shape it had before a fix, written out as it was. */
function restore(objects: KubeObject[], yaml: string): void {
  for (const old of parseObjects(yaml)) {
    const current = find(objects, old.kind, old.metadata.name, old.metadata.namespace);
    if (current) objects.splice(objects.indexOf(current), 1, old);
    else objects.push(old);
  }
}
const remove = (objects: KubeObject[], kind: string, name: string) => {
  const found = find(objects, kind, name);
  if (found) objects.splice(objects.indexOf(found), 1);
};
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
  it('the overlays are rendered to break', () => {
    expect(mesh.length).toBeGreaterThan(40);
    expect(plain.length).toBeGreaterThan(30);
    expect(gatewayApi.length).toBeGreaterThan(30);
    expect(linkerd.length).toBeGreaterThan(30);
    expect(observability.length).toBeGreaterThan(5);
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

  it('compose building a service from another Dockerfile, or the root one for another service', () => {
    const root = mkdtempSync(join(tmpdir(), 'images-check-'));
    try {
      const compose = parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8')) as {
        services: Record<string, { build?: { dockerfile?: string; args?: Record<string, string> } }>;
      };
      compose.services.auth!.build = { dockerfile: 'services/auth/Dockerfile', args: { SERVICE: 'auth' } };
      compose.services.orders!.build = { dockerfile: 'Dockerfile', args: { SERVICE: 'catalog' } };
      writeFileSync(join(root, 'docker-compose.yml'), stringify(compose));
      const problems = checkImages(
        broken(() => {}),
        root,
      );
      expect(problems).toContainEqual(
        'Deployment platform/auth: compose builds auth from services/auth/Dockerfile, not the root Dockerfile',
      );
      expect(problems).toContainEqual('Deployment platform/orders: compose builds orders with SERVICE=catalog');
      expect(problems).toContainEqual(
        'Deployment platform/catalog: services/catalog/ is not a service workspace (yet)',
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
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

  it('an issuer other than the one auth signs with, and the sidecar replying without the problem shape', () => {
    const objects = broken((o) => {
      const rules = spec<{ jwtRules: { issuer: string }[] }>(find(o, 'RequestAuthentication', 'gateway-jwt')).jwtRules;
      rules[0]!.issuer = 'http://auth:8081';
      remove(o, 'EnvoyFilter', 'gateway-problem-details');
    });
    const problems = checkJwtPolicy(objects);
    expect(problems).toContainEqual(
      'RequestAuthentication platform/gateway-jwt: issuer http://auth:8081, auth issues http://localhost:8080',
    );
    expect(problems).toContainEqual(
      "EnvoyFilter: the gateway sidecar's own 401 does not leave as the contract's 401 problem details with WWW-Authenticate: Bearer",
    );
  });

  it("issue 15, the old issuer: auth's address inside the cluster, named alike everywhere, which no client can reach", () => {
    const internal = 'http://auth.platform.svc.cluster.local:8081';
    const objects = broken((o) => {
      for (const app of ['auth', 'gateway', 'catalog', 'orders']) configOf(o, app).PUBLIC_URL = internal;
      spec<{ jwtRules: { issuer: string }[] }>(find(o, 'RequestAuthentication', 'gateway-jwt')).jwtRules[0]!.issuer =
        internal;
    });
    // every part agrees, and still a client's discovery would find an issuer it cannot fetch anything from
    expect(checkJwtPolicy(objects)).toEqual([
      `auth: PUBLIC_URL ${internal} is an address inside the cluster: clients cannot fetch the issuer's metadata there`,
    ]);
    const shortName = broken((o) => {
      for (const app of ['auth', 'gateway', 'catalog', 'orders']) configOf(o, app).PUBLIC_URL = 'http://auth:8081';
    }, plain);
    expect(checkTokenIssuer(shortName)).toEqual([
      "auth: PUBLIC_URL http://auth:8081 is an address inside the cluster: clients cannot fetch the issuer's metadata there",
    ]);
  });

  it('a verifier expecting another issuer, one fetching the JWKS through the public address, and a path as issuer', () => {
    const objects = broken((o) => {
      configOf(o, 'orders').PUBLIC_URL = 'https://api.example.com';
      configOf(o, 'catalog').JWKS_URL = 'http://localhost:8080/.well-known/jwks.json';
      spec<{ jwtRules: { jwksUri: string }[] }>(find(o, 'RequestAuthentication', 'gateway-jwt')).jwtRules[0]!.jwksUri =
        'http://localhost:8080/.well-known/jwks.json';
    });
    expect(checkJwtPolicy(objects)).toEqual([
      "catalog: JWKS_URL http://localhost:8080/.well-known/jwks.json: host localhost:8080 is not the auth Service's address",
      'orders: expects issuer https://api.example.com (PUBLIC_URL), auth issues http://localhost:8080',
      "RequestAuthentication platform/gateway-jwt: jwksUri http://localhost:8080/.well-known/jwks.json: host localhost:8080 is not the auth Service's address",
    ]);
    const withPath = broken((o) => {
      for (const app of ['auth', 'gateway', 'catalog', 'orders']) configOf(o, app).PUBLIC_URL = 'https://shop.test/api';
    }, plain);
    expect(checkTokenIssuer(withPath)).toEqual([
      'auth: PUBLIC_URL https://shop.test/api is not an http(s) origin without a path (the services refuse it)',
    ]);
  });

  it('issue 14.8, the old edge: a 403 turned into "bearer token required", a DENY for missing tokens, tokens kept on public routes', () => {
    const objects = broken((o) => {
      restore(o, oldRequireJwtPolicy);
      restore(o, oldIngressRoutes);
      const filter = spec<{
        configPatches: {
          patch: { value: { typed_config: { local_reply_config: { mappers: Record<string, unknown>[] } } } };
        }[];
      }>(find(o, 'EnvoyFilter', 'gateway-problem-details'));
      const mappers = filter.configPatches[0]!.patch.value.typed_config.local_reply_config.mappers;
      mappers[1] = { ...mappers[1], status_code: 401 };
    });
    expect(checkJwtPolicy(objects)).toEqual(
      expect.arrayContaining([
        "EnvoyFilter: the gateway sidecar's own 403 leaves as 401",
        'AuthorizationPolicy platform/gateway-require-jwt: denies requests without a token with 403; the contract answers them 401 (the gateway does)',
      ]),
    );
    expect(checkEdgeRouting(objects)).toContainEqual(
      "VirtualService platform/platform-ingress: POST /api/auth/refresh keeps the Authorization header: the gateway's sidecar rejects an expired one",
    );
  });

  it('issue 14.1, the old edge: a client x-request-id reset by the ingress and the sidecar', () => {
    const objects = broken((o) => {
      remove(o, 'EnvoyFilter', 'ingress-request-id');
      const filter = spec<{ configPatches: { patch: { value: { typed_config: Record<string, unknown> } } }[] }>(
        find(o, 'EnvoyFilter', 'gateway-problem-details'),
      );
      delete filter.configPatches[0]!.patch.value.typed_config.preserve_external_request_id;
    });
    expect(checkRequestIdPreserved(objects)).toEqual([
      "EnvoyFilter: the ingress gateway resets a client's x-request-id (no preserve_external_request_id)",
      "EnvoyFilter: the gateway's sidecar resets a client's x-request-id (no preserve_external_request_id)",
    ]);
  });

  it("issue 14.3, the old routes: Istio's default retries on POSTs and writes, timeouts equal to the deadlines", () => {
    const objects = broken((o) => {
      restore(o, oldIngressRoutes);
      restore(o, oldInternalRoutes);
    });
    const oldInstall = structuredClone(istioInstall);
    const operator = spec<{ meshConfig: Record<string, unknown> }>(oldInstall.find((x) => x.kind === 'IstioOperator'));
    delete operator.meshConfig.defaultHttpRetryPolicy;
    const retries = checkRetries(objects, oldInstall);
    expect(retries).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^IstioOperator: meshConfig.defaultHttpRetryPolicy retries every route 2 times/),
        'VirtualService platform/platform-ingress: route api retries POST /api/orders (2 attempts), which is not idempotent',
        'VirtualService platform/platform-ingress: route api retries POST /api/auth/refresh (2 attempts), which is not idempotent',
        "VirtualService platform/catalog: route from-orders retries orders's /platform.catalog.v1.CatalogService/ReserveStock (2 attempts), which is not idempotent",
        "VirtualService platform/orders: route default retries gateway's /platform.orders.v1.OrdersService/PlaceOrder (2 attempts), which is not idempotent",
      ]),
    );
    expect(checkMeshTimeouts(objects)).toContainEqual(
      "VirtualService platform/catalog: route from-orders for orders times out after 1s, not 250 ms above orders's GRPC_DEADLINE_MS 1000: Envoy and the caller race",
    );
  });

  it('a mesh timeout that no longer wraps the caller after its deadline changed', () => {
    const objects = broken((o) => {
      configOf(o, 'orders').GRPC_DEADLINE_MS = '1500';
    });
    expect(checkMeshTimeouts(objects)).toContainEqual(
      "VirtualService platform/catalog: route from-orders for orders times out after 1500ms, not 250 ms above orders's GRPC_DEADLINE_MS 1500: Envoy and the caller race",
    );
  });

  it('a route that times out or retries the stream the gateway keeps open to catalog (WatchProducts)', () => {
    const objects = broken((o) => {
      const routes = spec<{ http: { name: string; timeout?: string; retries?: { attempts: number } }[] }>(
        find(o, 'VirtualService', 'catalog'),
      ).http;
      const watch = routes.find((route) => route.name === 'watch')!;
      watch.timeout = '2500ms';
      watch.retries = { attempts: 2 };
    });
    expect(checkMeshTimeouts(objects)).toContainEqual(
      "VirtualService platform/catalog: route watch for gateway's stream /platform.catalog.v1.CatalogService/WatchProducts times out after 2500ms: it would cut the stream; give it timeout: 0s",
    );
    expect(checkRetries(objects, istioInstall)).toContainEqual(
      "VirtualService platform/catalog: route watch retries gateway's /platform.catalog.v1.CatalogService/WatchProducts (2 attempts), which is not idempotent",
    );
    // without its own route, the stream falls to the reads' route and its 2.5 s timeout
    const unrouted = broken((o) => {
      const vs = spec<{ http: { name: string }[] }>(find(o, 'VirtualService', 'catalog'));
      vs.http = vs.http.filter((route) => route.name !== 'watch');
    });
    expect(checkMeshTimeouts(unrouted)).toContainEqual(
      "VirtualService platform/catalog: route default for gateway's stream /platform.catalog.v1.CatalogService/WatchProducts times out after 2500ms: it would cut the stream; give it timeout: 0s",
    );
  });

  it('issue 14.4, the old install: classic sidecars that exit before the pod has drained', () => {
    const oldInstall = structuredClone(istioInstall);
    const operator = spec<{ values: { pilot: { env: Record<string, string> } } }>(
      oldInstall.find((x) => x.kind === 'IstioOperator'),
    );
    delete operator.values.pilot.env.ENABLE_NATIVE_SIDECARS;
    expect(checkIstioInstall(mesh, oldInstall)).toContainEqual(
      'IstioOperator: without ENABLE_NATIVE_SIDECARS the sidecar of gateway exits after 5 s, its preStop and shutdown need 25 s',
    );
  });

  it('issue 14.5, the old sizing: one pod per pool, which 50% ejection never ejects', () => {
    const objects = broken((o) => {
      for (const hpa of ofKind(o, 'HorizontalPodAutoscaler')) spec<{ minReplicas: number }>(hpa).minReplicas = 1;
      spec<{ replicas: number }>(find(o, 'Deployment', 'orders-v2')).replicas = 1;
    });
    const problems = checkOutlierDetection(objects);
    expect(problems).toContainEqual(
      'DestinationRule platform/gateway: all pods of gateway can be as small as 1 pod(s); 50% of that ejects nobody',
    );
    expect(problems).toContainEqual(
      'DestinationRule platform/orders: subset v2 of orders can be as small as 1 pod(s); 50% of that ejects nobody',
    );
  });

  it('issue 14.6, the old autoscalers: pod-wide CPU, 70% of 25m, one pod', () => {
    const objects = broken((o) => {
      for (const hpa of ofKind(o, 'HorizontalPodAutoscaler')) {
        const s = spec<Record<string, unknown>>(hpa);
        s.minReplicas = 1;
        s.metrics = [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
        ];
      }
    });
    expect(checkAutoscaling(objects)).toEqual(
      expect.arrayContaining([
        'HorizontalPodAutoscaler platform/gateway: minReplicas 1, want 2 at least',
        'HorizontalPodAutoscaler platform/gateway: scales on a Resource metric, which counts the sidecar too; use ContainerResource',
      ]),
    );
    const small = broken((o) => {
      for (const w of workloads(o)) if (w.name === 'gateway') w.podSpec.containers[0]!.resources!.requests!.cpu = '25m';
      const hpa = find(o, 'HorizontalPodAutoscaler', 'gateway');
      spec<{ metrics: { containerResource: { target: { averageUtilization: number } } }[] }>(hpa)
        .metrics[0]!.containerResource.target.averageUtilization = 70;
    });
    expect(checkAutoscaling(small)).toContainEqual(
      "HorizontalPodAutoscaler platform/gateway: scales at 17.5m (70% of 25m), within 3x of an idle service's 10m",
    );
  });

  it('issue 14.9, the old export: OTLP through the sidecar, and spans without the pod they came from', () => {
    const objects = broken((o) => {
      const template = spec<{ template: { metadata: { annotations: Record<string, string> } } }>(
        find(o, 'Deployment', 'catalog'),
      ).template;
      delete template.metadata.annotations['traffic.sidecar.istio.io/excludeOutboundPorts'];
      const container = pod(o, 'catalog').containers[0]!;
      container.env = (container.env ?? []).filter((e) => e.name !== 'OTEL_RESOURCE_ATTRIBUTES');
    });
    const problems = checkTelemetry(objects, observability, istioInstall);
    expect(problems).toContainEqual(
      'Deployment platform/catalog: its OTLP export (port 4318) goes through its sidecar, which starts a trace per batch',
    );
    expect(problems).toContainEqual(
      'Deployment platform/catalog: spans do not carry k8s.pod.name (OTEL_RESOURCE_ATTRIBUTES from the downward API)',
    );
  });

  it('issue 14.10, the old versions: Istio beta APIs and Jaeger v1', () => {
    const objects = broken((o) => {
      find(o, 'VirtualService', 'orders')!.apiVersion = 'networking.istio.io/v1beta1';
      find(o, 'Telemetry', 'mesh-default')!.apiVersion = 'telemetry.istio.io/v1alpha1';
    });
    expect(checkApiVersions(objects)).toEqual([
      'VirtualService platform/orders: networking.istio.io/v1beta1 is retired, write it as networking.istio.io/v1',
      'Telemetry istio-system/mesh-default: telemetry.istio.io/v1alpha1 is retired, write it as telemetry.istio.io/v1',
    ]);
    expect(objects.flatMap(validateObject)).toContainEqual(
      'VirtualService platform/orders: no schema for networking.istio.io/v1beta1 VirtualService',
    );
    const jaeger = broken((o) => {
      for (const w of workloads(o))
        if (w.name === 'jaeger') w.podSpec.containers[0]!.image = 'jaegertracing/all-in-one:1.74.0';
    }, observability);
    expect(checkApiVersions(jaeger)).toEqual([
      'Deployment observability/jaeger: image jaegertracing/all-in-one:1.74.0 is retired, use jaegertracing/jaeger (Jaeger v2)',
    ]);
  });

  it('issue 11: an ops path reachable through a catch-all route, at the Istio edge and through an Ingress', () => {
    // the shop's catch-all route without the ops-paths route before it
    const objects = broken((o) => {
      const http = spec<{ http: { name: string }[] }>(find(o, 'VirtualService', 'platform-ingress')).http;
      http.splice(
        http.findIndex((r) => r.name === 'ops-paths'),
        1,
      );
    });
    expect(checkEdgeRouting(objects)).toContainEqual(
      'VirtualService platform/platform-ingress: GET /metrics reaches storefront:8082',
    );
    const ingress = broken((o) => {
      const rules = spec<{ rules: { http: { paths: Record<string, unknown>[] } }[] }>(
        find(o, 'Ingress', 'platform'),
      ).rules;
      rules[0]!.http.paths.push({
        path: '/',
        pathType: 'Prefix',
        backend: { service: { name: 'gateway', port: { number: 8080 } } },
      });
    }, plain);
    expect(checkEdgeRouting(ingress)).toContainEqual('Ingress: GET /readyz reaches gateway:8080');
    const httpRoute = broken((o) => {
      const rules = spec<{ rules: { matches: { path: { type: string; value: string } }[] }[] }>(
        find(o, 'HTTPRoute', 'platform-api'),
      ).rules;
      rules[1]!.matches.push({ path: { type: 'PathPrefix', value: '/' } });
    }, gatewayApi);
    expect(checkEdgeRouting(httpRoute)).toContainEqual('HTTPRoute: GET /healthz reaches gateway:8080');
  });

  it('a Gateway API route of the wrong shape (schema), and one that sends the API elsewhere', () => {
    const objects = broken((o) => {
      const rules = spec<{ rules: { timeouts?: unknown; backendRefs: { name: string }[] }[] }>(
        find(o, 'HTTPRoute', 'platform-api'),
      ).rules;
      rules[0]!.timeouts = { request: 5 };
      rules[1]!.backendRefs[0]!.name = 'auth';
    }, gatewayApi);
    expect(objects.flatMap(validateObject)).toContainEqual(
      expect.stringMatching(/^HTTPRoute platform\/platform-api: .*timeouts\/request must be string/),
    );
    expect(checkEdgeRouting(objects)).toContainEqual(
      'HTTPRoute: POST /api/auth/refresh goes to auth:8080, not gateway:8080',
    );
  });

  it('Linkerd routes that retry a stock change, race a deadline, or leave a method out', () => {
    const objects = broken((o) => {
      const stock = find(o, 'GRPCRoute', 'catalog-stock')!;
      stock.metadata.annotations = { 'timeout.linkerd.io/request': '1s', 'retry.linkerd.io/grpc': 'unavailable' };
      remove(o, 'GRPCRoute', 'orders-changes');
      find(o, 'GRPCRoute', 'catalog-watch')!.metadata.annotations = { 'timeout.linkerd.io/request': '2500ms' };
    }, linkerd);
    const problems = checkLinkerdRoutes(objects);
    expect(problems).toContainEqual(
      'GRPCRoute platform/catalog-watch: the stream /platform.catalog.v1.CatalogService/WatchProducts times out after 2500ms: it would cut the stream',
    );
    expect(problems).toContainEqual(
      'GRPCRoute platform/catalog-stock: retries /platform.catalog.v1.CatalogService/ReserveStock, /platform.catalog.v1.CatalogService/ConfirmStock, /platform.catalog.v1.CatalogService/ReleaseStock, which is not idempotent',
    );
    expect(problems).toContainEqual(
      "GRPCRoute platform/catalog-stock: /platform.catalog.v1.CatalogService/ReserveStock times out after 1s, not 250 ms to twice above its caller's 1000 ms deadline",
    );
    expect(problems).toContainEqual(
      'GRPCRoute: none for /platform.orders.v1.OrdersService/PlaceOrder, so Linkerd applies no timeout to it',
    );
  });

  it('issue 11, the old pods: DATABASE_URL as an env value from its Secret', () => {
    const objects = broken((o) => {
      const container = pod(o, 'orders').containers[0]!;
      container.env = [
        ...(container.env ?? []),
        { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'orders-database', key: 'DATABASE_URL' } } },
      ];
    });
    expect(checkSecretFiles(objects)).toContainEqual(
      'Deployment platform/orders: DATABASE_URL comes from Secret orders-database as an env value; mount it and set DATABASE_URL_FILE',
    );
    const moved = broken((o) => {
      configOf(o, 'orders').DATABASE_URL_FILE = '/var/run/secrets/platform/db/url';
    });
    expect(checkSecretFiles(moved)).toContainEqual(
      'Deployment platform/orders: DATABASE_URL_FILE=/var/run/secrets/platform/db/url names no key of a Secret or ConfigMap it mounts',
    );
  });

  it('issue 10: a service left on its default 127.0.0.1', () => {
    const objects = broken((o) => {
      delete configOf(o, 'catalog').HOST;
    });
    expect(checkProbes(objects)).toContainEqual(
      "Deployment platform/catalog: HOST is unset (127.0.0.1), so probes and callers on the pod's address find nothing",
    );
  });

  it('issue 13: the shop left out of a way in, or given "/" there, which exposes the ops paths', () => {
    const withoutShop = broken((o) => remove(o, 'HTTPRoute', 'shop'), gatewayApi);
    expect(checkEdgeRouting(withoutShop)).toContainEqual('HTTPRoute: GET / goes to nothing, not storefront:8082');
    const catchAll = broken((o) => {
      const rules = spec<{ rules: { matches: { path: { type: string; value: string } }[] }[] }>(
        find(o, 'HTTPRoute', 'shop'),
      ).rules;
      rules[0]!.matches = [{ path: { type: 'PathPrefix', value: '/' } }];
    }, gatewayApi);
    expect(checkEdgeRouting(catchAll)).toContainEqual('HTTPRoute: GET /metrics reaches storefront:8082');
    const ingress = broken((o) => {
      const paths = spec<{ rules: { http: { paths: { path: string; pathType: string }[] } }[] }>(
        find(o, 'Ingress', 'shop'),
      ).rules[0]!.http.paths;
      paths[0]!.pathType = 'Prefix';
    }, plain);
    expect(checkEdgeRouting(ingress)).toContainEqual('Ingress: GET /healthz reaches storefront:8082');
  });

  it("issue 13: the shop's forms retried at the edge, and a shop route that gives up before the storefront's call", () => {
    const objects = broken((o) => {
      const http = spec<{ http: { name: string; timeout: string; retries: Record<string, unknown> }[] }>(
        find(o, 'VirtualService', 'platform-ingress'),
      ).http;
      http.find((r) => r.name === 'shop-forms')!.retries = { attempts: 2, retryOn: 'connect-failure,reset' };
      http.find((r) => r.name === 'shop-reads')!.timeout = '5s';
    });
    expect(checkRetries(objects, istioInstall)).toContainEqual(
      'VirtualService platform/platform-ingress: route shop-forms retries POST /login (2 attempts), which is not idempotent',
    );
    expect(checkMeshTimeouts(objects)).toContainEqual(
      "VirtualService platform/platform-ingress: route shop-reads gives up (5s) before one of the storefront's calls to the gateway (5250 ms)",
    );
  });

  it('issue 13: the storefront and the load generator shut out of the gateway', () => {
    const mesh = broken((o) => {
      const rules = spec<{ rules: unknown[] }>(find(o, 'AuthorizationPolicy', 'gateway')).rules;
      rules.splice(1, 1);
      const from = spec<{ ingress: { from: { podSelector?: { matchLabels?: Record<string, string> } }[] }[] }>(
        find(o, 'NetworkPolicy', 'gateway'),
      ).ingress[0]!.from;
      from.splice(
        from.findIndex((peer) => peer.podSelector?.matchLabels?.app === 'loadgen'),
        1,
      );
    });
    expect(checkAuthorizationFlow(mesh, ingressServiceAccount(istioInstall))).toContainEqual(
      'AuthorizationPolicy: storefront->gateway:8080 is in the request flow but not allowed',
    );
    expect(checkNetworkPolicyFlow(mesh)).toContainEqual(
      'NetworkPolicy: loadgen->gateway:8080 is in the request flow but no ingress rule allows it',
    );
    const withoutMesh = broken((o) => {
      spec<{ egress: unknown[] }>(find(o, 'NetworkPolicy', 'storefront')).egress.splice(0, 1);
    }, plain);
    expect(checkNetworkPolicyFlow(withoutMesh)).toContainEqual(
      'NetworkPolicy: storefront->gateway:8080 is in the request flow but no egress rule allows it',
    );
  });

  it('issue 13: a load generator that runs without being asked, or under an autoscaler', () => {
    const objects = broken((o) => {
      delete spec<{ replicas?: number }>(find(o, 'Deployment', 'loadgen')).replicas;
      o.push({
        ...structuredClone(find(o, 'HorizontalPodAutoscaler', 'gateway')!),
        metadata: { name: 'loadgen', namespace: 'platform' },
      });
    }, plain);
    const problems = checkWorkloadShape(objects);
    expect(problems).toContainEqual(
      'loadgen: runs only when asked for, but its Deployment sets replicas unset (1), not 0',
    );
    expect(problems).toContainEqual('loadgen: runs only when asked for, but an autoscaler would start it');
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

// The shapes the manifests had before the fixes of issue 14, as they were written then.
const oldRequireJwtPolicy = `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: gateway-require-jwt
  namespace: platform
spec:
  selector:
    matchLabels:
      app: gateway
  action: DENY
  rules:
    - from:
        - source:
            notRequestPrincipals: ["*"]
      to:
        - operation:
            paths: ["/api/orders", "/api/orders/*", "/api/auth/me"]
`;
const oldIngressRoutes = `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: platform-ingress
  namespace: platform
spec:
  hosts: ["*"]
  gateways: ["platform"]
  http:
    - name: api
      match:
        - uri:
            prefix: /api/
      route:
        - destination:
            host: gateway.platform.svc.cluster.local
            port:
              number: 8080
      timeout: 5s
    - name: well-known
      match:
        - uri:
            prefix: /.well-known/
      route:
        - destination:
            host: gateway.platform.svc.cluster.local
            port:
              number: 8080
      timeout: 5s
      retries:
        attempts: 2
        perTryTimeout: 2s
        retryOn: connect-failure,refused-stream,reset,503
    - name: not-found
      directResponse:
        status: 404
`;
const oldInternalRoutes = `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: catalog
  namespace: platform
spec:
  hosts: ["catalog.platform.svc.cluster.local"]
  http:
    - name: from-orders
      match:
        - sourceLabels:
            app: orders
      route:
        - destination:
            host: catalog.platform.svc.cluster.local
            port:
              number: 50051
      timeout: 1s
      retries:
        attempts: 2
        perTryTimeout: 1s
        retryOn: connect-failure,refused-stream
    - name: default
      route:
        - destination:
            host: catalog.platform.svc.cluster.local
            port:
              number: 50051
      timeout: 2s
      retries:
        attempts: 2
        perTryTimeout: 2s
        retryOn: connect-failure,refused-stream
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: orders
  namespace: platform
spec:
  hosts: ["orders.platform.svc.cluster.local"]
  http:
    - name: default
      route:
        - destination:
            host: orders.platform.svc.cluster.local
            port:
              number: 50052
      timeout: 2s
      retries:
        attempts: 2
        perTryTimeout: 2s
        retryOn: connect-failure,refused-stream
`;
