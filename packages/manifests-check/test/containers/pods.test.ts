// Runs each Deployment of the minikube overlay from its built image in docker, with the env, user, read-only root,
// tmpfs and limits its pod spec declares, beside the PostgreSQL of the StatefulSet, and asks its probes as the kubelet
// would: each must answer 200. Needs a Docker engine and the platform/<name>:dev images (TAG, as in compose, runs
// platform/<name>:$TAG instead); without them every test here fails and says which is missing (it never passes
// without running).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { find, type KubeObject, workloads } from '../../src/kube-object.js';
import { platformServices } from '../../src/platform-services.js';
import { dockerUnavailable, PodRunner } from '../../src/pod-runner.js';
import { copyManifests, render } from '../../src/render.js';

const copy = copyManifests();
let objects: KubeObject[];
let mesh: KubeObject[];
try {
  objects = render(copy, { path: 'k8s/overlays/minikube' });
  mesh = render(copy, { path: 'istio/overlays/minikube' });
} finally {
  copy.dispose();
}

const postgres = workloads(objects).find((w) => w.name === 'postgres');
if (!postgres) throw new Error('the overlay has no postgres StatefulSet');
// a machine without a registry substitutes an image with the official one's interface, as compose does
const postgresImage = process.env.POSTGRES_IMAGE ?? postgres.podSpec.containers[0]?.image ?? 'postgres:15';
const services = platformServices.map((s) => {
  const workload = workloads(objects).find((w) => w.object.kind === 'Deployment' && w.name === s.name);
  if (!workload) throw new Error(`the overlay has no Deployment ${s.name}`);
  return workload;
});
// the images compose built under TAG, when it is set, in place of the manifests' :dev
const imageOf = (w: (typeof services)[number]) =>
  (w.podSpec.containers[0]?.image ?? '').replace(/:dev$/, process.env.TAG ? `:${process.env.TAG}` : ':dev');
const images = [...services.map(imageOf), postgresImage];
const notHere = dockerUnavailable(images);

// dependencies first: orders needs catalog for readiness, the gateway needs auth's JWKS, the storefront and the load
// generator the gateway
const startOrder = ['auth', 'catalog', 'orders', 'gateway', 'storefront', 'loadgen'];
const started = new Map<string, string>();
let runner: PodRunner | undefined;

describe('pods of k8s/overlays/minikube run in docker', () => {
  beforeAll(async () => {
    if (notHere) throw new Error(`not run: ${notHere}. Run \`npm run test:k8s:containers\` where both are present.`);
    runner = new PodRunner(objects);
    // a dependency here, not under test: the volume claim becomes a tmpfs, and a substitute image may start as root
    const name = runner.start(postgres, { image: postgresImage, asDependency: true, volumesAsTmpfs: ['data'] });
    const container = postgres.podSpec.containers[0]!;
    const ready = await runner.waitFor(name, container, container.readinessProbe!, 90_000);
    if (!ready.passed) throw new Error(`postgres never became ready:\n${runner.logs(name)}`);
  }, 120_000);

  afterAll(() => runner?.dispose());

  for (const name of startOrder) {
    it(`${name}: starts with its pod spec and answers its startup, liveness and readiness probes with 200`, async () => {
      const workload = services.find((w) => w.name === name)!;
      const container = workload.podSpec.containers[0]!;
      const r = runner!;
      const id = r.start(workload, { image: imageOf(workload) });
      started.set(name, id);
      const startup = await r.waitFor(id, container, container.startupProbe!, 60_000);
      expect(startup, `startup probe of ${name}; log:\n${r.logs(id)}`).toEqual({ passed: true, last: 200 });
      const readiness = await r.waitFor(id, container, container.readinessProbe!, 60_000);
      expect(readiness, `readiness probe of ${name}; log:\n${r.logs(id)}`).toEqual({ passed: true, last: 200 });
      expect(await r.probeOnce(id, container, container.livenessProbe!)).toBe(200);
      expect(r.running(id)).toBe(true);
    }, 150_000);
  }

  it('auth publishes the issuer the RequestAuthentication names, and serves both signing keys where it fetches them', () => {
    const r = runner!;
    const auth = started.get('auth');
    if (!auth) throw new Error('auth did not start');
    const requestAuthentication = find(mesh, 'RequestAuthentication', 'gateway-jwt');
    if (!requestAuthentication) throw new Error('the istio overlay has no RequestAuthentication gateway-jwt');
    const rule = (requestAuthentication.spec as { jwtRules: { issuer: string; jwksUri: string }[] }).jwtRules[0]!;
    const port = platformServices.find((s) => s.name === 'auth')!.httpPort;
    const image = imageOf(services.find((w) => w.name === 'auth')!);
    const discovery = r.fetchJsonInNetwork(image, `http://${r.ip(auth)}:${port}/.well-known/openid-configuration`) as {
      issuer: string;
      jwks_uri: string;
    };
    expect(discovery.issuer).toBe(rule.issuer);
    // published under the public address; the mesh fetches the same keys from auth's Service instead
    expect(discovery.jwks_uri).toBe(`${rule.issuer}/.well-known/jwks.json`);
    // auth's Service address, resolved on this network as in the cluster
    const jwks = r.fetchJsonInNetwork(image, rule.jwksUri) as { keys: { kid: string }[] };
    expect(new Set(jwks.keys.map((k) => k.kid)).size).toBe(2);
  });
});
