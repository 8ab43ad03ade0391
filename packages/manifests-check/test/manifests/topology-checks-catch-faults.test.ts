// Each check of the files against the list finds a drift: a copy of the real compose file, rendered overlay or
// base files gets one change (a service missing, one extra, a port or an address that moved, a database the list
// does not have), and the check must name it. The files themselves pass in topology.test.ts.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databases, type ServiceEntry } from '@platform/topology';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type ComposeFile, checkComposeAgainstList, parseCompose } from '../../src/checks/compose-topology.check.js';
import { checkKubernetesAgainstList, checkKubernetesBase } from '../../src/checks/kubernetes-topology.check.js';
import { type KubeObject, workloads } from '../../src/kube-object.js';
import { deployedServices } from '../../src/platform-services.js';
import { repoRoot } from '../../src/repo.js';
import { renderAll } from './rendered.js';

const composeText = readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8');
const prometheus = readFileSync(join(repoRoot, 'compose/prometheus/prometheus.yml'), 'utf8');
const plain = renderAll().rendered.find((r) => r.overlay.path === 'k8s/overlays/minikube')?.objects ?? [];

/** The list with one more service, as the generator would add it. */
const invoices: ServiceEntry = {
  name: 'invoices',
  summary: 'a service the files do not have yet',
  kind: 'grpc',
  ports: { grpc: 50090, ops: 9190 },
  storage: 'postgres',
  calls: [],
  replicas: { min: 2, max: 5 },
};
const withInvoices = [...deployedServices, invoices];
// what the files and the list hold today (services `npm run new:service` added included)
const composeDatabases = String(
  (parseCompose(composeText).services!['secrets-init']!.environment as Record<string, string>).PLATFORM_DATABASES,
);
const listDatabases = databases(deployedServices)
  .map((d) => d.service)
  .join(' ');
const grpcServices = deployedServices
  .filter((s) => s.kind === 'grpc')
  .map((s) => s.name)
  .join('|');
const noMesh = parse(readFileSync(join(repoRoot, 'k8s/components/no-mesh/kustomization.yaml'), 'utf8')) as {
  patches: { path: string; target: { name: string } }[];
};
const headless = noMesh.patches.find((p) => p.path === 'headless-services.yaml')!.target.name;

function brokenCompose(change: (compose: ComposeFile) => void): ComposeFile {
  const compose = parseCompose(composeText);
  change(compose);
  return compose;
}
function brokenObjects(change: (objects: KubeObject[]) => void): KubeObject[] {
  const objects = structuredClone(plain);
  change(objects);
  return objects;
}
const env = (compose: ComposeFile, name: string) => compose.services![name]!.environment as Record<string, string>;

describe('the compose check catches', () => {
  it('a service of the list that compose does not run, and its missing secrets and metrics', () => {
    const problems = checkComposeAgainstList(parseCompose(composeText), withInvoices, prometheus);
    expect(problems).toContain('compose: invoices: missing (the list has it)');
    expect(problems).toContain(
      `compose: secrets-init's PLATFORM_DATABASES is "${composeDatabases}", the list says "${listDatabases} invoices"`,
    );
    expect(problems).toContain('compose: secrets-init does not fill invoices-secrets');
    expect(problems).toContain('compose/prometheus: does not scrape invoices:9190');
  });

  it('a platform service the list does not have, and a target Prometheus scrapes for nothing', () => {
    const compose = brokenCompose((c) => {
      c.services!.payments = { image: 'docker.io/platform/payments:dev' };
    });
    const problems = checkComposeAgainstList(
      compose,
      deployedServices,
      `${prometheus}      - targets: ["payments:9199"]\n        labels: { service: payments }\n`,
    );
    expect(problems).toContain('compose: payments is a service of the platform that the list does not have');
    expect(problems).toContain('compose/prometheus: scrapes payments:9199, which the list does not have');
  });

  it('a port and an address that drifted from the list, a database too many, a healthcheck on the wrong port', () => {
    const compose = brokenCompose((c) => {
      env(c, 'orders').GRPC_PORT = '50059';
      env(c, 'gateway').CATALOG_ADDR = 'catalog:50059';
      env(c, 'gateway').DATABASE_URL_FILE = '/run/secrets/database-url';
      c.services!.catalog!.healthcheck = { test: ['CMD', 'curl', 'http://127.0.0.1:9102/readyz'] };
    });
    const problems = checkComposeAgainstList(compose, deployedServices, prometheus);
    expect(problems).toContain('compose: orders: GRPC_PORT is 50059, the list says 50052');
    expect(problems).toContain('compose: gateway: CATALOG_ADDR is catalog:50059, the list says catalog:50051');
    expect(problems).toContain('compose: gateway: gets a database the list does not give it');
    expect(problems).toContain('compose: catalog: its healthcheck does not ask http://127.0.0.1:9101/readyz');
  });

  it('an internal service published, and the public entry not', () => {
    const compose = brokenCompose((c) => {
      c.services!.catalog!.ports = ['127.0.0.1:50051:50051'];
      c.services!.gateway!.ports = [];
    });
    const problems = checkComposeAgainstList(compose, deployedServices, prometheus);
    expect(problems).toContain('compose: catalog: publishes 127.0.0.1:50051:50051, but it is no public entry');
    expect(problems).toContain('compose: gateway: a public entry, but port 8080 is not published on 127.0.0.1');
  });
});

describe('the Kubernetes check catches', () => {
  it('a service of the list with no Deployment, and its password missing from the credentials', () => {
    const problems = checkKubernetesAgainstList(plain, withInvoices);
    expect(problems).toContain('invoices: no Deployment (the list has it)');
    expect(problems).toContain('Secret postgres-credentials: no INVOICES_DB_PASSWORD');
  });

  it('a Deployment the list does not have, an address and a port that drifted, a replica count', () => {
    const objects = brokenObjects((o) => {
      const orders = workloads(o).find((w) => w.name === 'orders')!;
      const copy = structuredClone(orders.object);
      copy.metadata.name = 'payments';
      (copy.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels.app =
        'payments';
      o.push(copy);
      const config = o.find((x) => x.kind === 'ConfigMap' && x.metadata.name.startsWith('gateway-config'))!;
      config.data!.ORDERS_ADDR = 'orders.platform.svc.cluster.local:50059';
      const catalog = o.find((x) => x.kind === 'Service' && x.metadata.name === 'catalog')!;
      (catalog.spec as { ports: { port: number }[] }).ports[0]!.port = 50059;
    });
    const problems = checkKubernetesAgainstList(objects, deployedServices);
    expect(problems).toContain('Deployment platform/payments: app payments is not a service of the list');
    expect(problems).toContain(
      'Deployment platform/gateway: ORDERS_ADDR is orders.platform.svc.cluster.local:50059, the list says orders.platform.svc.cluster.local:50052',
    );
    expect(problems).toContain('Service catalog: no port 50051 (its grpc port in the list)');
    const fixed = deployedServices.map((s) => (s.name === 'orders' ? { ...s, replicas: 0 } : s));
    expect(checkKubernetesAgainstList(plain, fixed)).toContain(
      'Deployment platform/orders: default 1 replicas, the list says 0',
    );
  });

  it('a database password the list does not have', () => {
    const objects = brokenObjects((o) => {
      const credentials = o.find((x) => x.kind === 'Secret' && x.metadata.name.startsWith('postgres-credentials'))!;
      credentials.data!.LEGACY_DB_PASSWORD = Buffer.from('x').toString('base64');
    });
    expect(checkKubernetesAgainstList(objects, deployedServices)).toContain(
      'Secret postgres-credentials: LEGACY_DB_PASSWORD is no database of the list',
    );
  });

  describe('in the base files', () => {
    const root = mkdtempSync(join(tmpdir(), 'k8s-base-'));
    cpSync(join(repoRoot, 'k8s'), join(root, 'k8s'), { recursive: true, filter: (p) => !p.includes('secrets') });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    it('a service folder left out of the base, autoscaler bounds other than the hint, gRPC left behind a ClusterIP', () => {
      const problems = checkKubernetesBase(root, withInvoices);
      expect(problems).toContain('k8s/base/kustomization.yaml: invoices is not a resource');
      expect(problems).toContain('k8s/base/invoices/hpa.yaml: missing, the list says 2 to 5 pods');
      expect(problems).toContain(
        `k8s/components/no-mesh: headless Services "${headless}", the list's gRPC services are "${grpcServices}|invoices" (round_robin needs every pod's address)`,
      );
      const hpa = join(root, 'k8s/base/orders/hpa.yaml');
      writeFileSync(hpa, readFileSync(hpa, 'utf8').replace('maxReplicas: 5', 'maxReplicas: 9'));
      expect(checkKubernetesBase(root, deployedServices)).toEqual([
        'k8s/base/orders/hpa.yaml: 2 to 9 pods, the list says 2 to 5',
      ]);
    });
  });
});
