// scripts/minikube-demo.sh without a cluster: minikube, kubectl, istioctl and docker are stubs that log their
// arguments and answer as the real tools do (or fail where a test says), so the plan, the version checks, the checked
// docker-env and what the script prints when a step fails can be held to account here.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/repo.js';

const scratch = mkdtempSync(join(tmpdir(), 'demo-script-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// One stub per tool: logs its arguments, fails when they match STUB_FAIL, and otherwise answers what the script reads.
const stub = (answers: string) => `#!/usr/bin/env bash
echo "$(basename "$0") $*" >> "$STUB_LOG"
if [ -n "\${STUB_FAIL:-}" ] && [[ "$(basename "$0") $*" == $STUB_FAIL ]]; then echo "stub: failing on purpose" >&2; exit 1; fi
${answers}
exit 0
`;
const tools: Record<string, string> = {
  minikube: stub(`case "$*" in
  *"docker-env --shell bash --unset"*) echo 'unset DOCKER_HOST' ;;
  *"docker-env --shell bash"*) echo 'export DOCKER_HOST="tcp://127.0.0.1:2376"' ;;
esac`),
  kubectl: stub(`case "$*" in
  "version --output=json") echo "{\\"serverVersion\\":{\\"major\\":\\"1\\",\\"minor\\":\\"\${STUB_K8S_MINOR:-33}\\"}}" ;;
  *) echo "stub kubectl answered: $*" ;;
esac`),
  istioctl: stub(`case "$*" in
  "version --remote=false --short") echo "\${STUB_ISTIO:-1.27.1}" ;;
esac`),
  docker: stub(`case "$*" in
  "info --format {{.Name}}") echo "\${STUB_DOCKER_NAME:-platform}" ;;
esac`),
};
const bin = join(scratch, 'bin');
spawnSync('mkdir', ['-p', bin]);
for (const [name, script] of Object.entries(tools)) {
  writeFileSync(join(bin, name), script);
  chmodSync(join(bin, name), 0o755);
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  calls: string[];
}
let runs = 0;
function demo(args: string[], env: Record<string, string> = {}): Run {
  const log = join(scratch, `calls-${++runs}.log`);
  writeFileSync(log, '');
  const result = spawnSync('bash', [join(repoRoot, 'scripts/minikube-demo.sh'), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: {
      ...process.env,
      PATH: `${bin}:${process.env.PATH}`,
      STUB_LOG: log,
      XDG_RUNTIME_DIR: scratch,
      MINIKUBE_PROFILE: 'platform',
      ISTIO_DIR: scratch,
      ...env,
    },
    timeout: 60_000,
  });
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    calls: readFileSync(log, 'utf8').split('\n').filter(Boolean),
  };
}
/** The printed commands (lines starting with "+ "), in order. */
const plan = (run: Run) => run.stdout.split('\n').filter((l) => l.startsWith('+ '));
const indexOf = (lines: string[], part: string) => lines.findIndex((l) => l.includes(part));

describe('scripts/minikube-demo.sh', () => {
  it('--dry-run plans a Docker-runtime minikube with a disk size, metrics-server, checked versions and docker-env', () => {
    const run = demo(['--dry-run']);
    expect(run.status, run.stderr).toBe(0);
    const lines = plan(run);
    expect(lines).toContainEqual(
      expect.stringMatching(/^\+ minikube start .*--disk-size 30g .*--container-runtime=docker/),
    );
    expect(lines).toContainEqual('+ minikube --profile platform addons enable metrics-server');
    expect(lines).toContainEqual(
      '+ kubectl --namespace kube-system rollout status deployment/metrics-server --timeout=5m',
    );
    expect(lines).toContainEqual('+ kubectl version --output=json  (server 1.30 or later)');
    expect(lines).toContainEqual(
      '+ eval "$(minikube --profile platform docker-env --shell bash)"  (checked: docker info must name node platform)',
    );
    expect(run.stdout).toContain('minikube-demo: istioctl 1.27.1 (supported: 1.24 or later)');
    // every service's image, the shop and the load generator included
    for (const service of ['auth', 'catalog', 'orders', 'gateway', 'storefront', 'loadgen'])
      expect(lines).toContainEqual(`+ docker build --build-arg SERVICE=${service} --tag platform/${service}:dev .`);
    // metrics-server before the platform, the smoke tests (the API, then the shop in a browser) after every rollout,
    // the load generator last, then the shop's address
    const order = [
      'addons enable metrics-server',
      'istioctl install',
      'kubectl apply --kustomize istio/overlays/minikube',
      'rollout status deployment/gateway',
      'rollout status deployment/storefront',
      'npm run test:remote',
      'E2E_STOREFRONT_URL=http://127.0.0.1:8080 E2E_BASE_URL=http://127.0.0.1:8080 npm run test:browser',
      'scale deployment/loadgen --replicas=1',
    ].map((step) => indexOf(lines, step));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(run.stdout).toContain('  Shop       http://127.0.0.1:8080/   (the storefront, through the ingress)');
    // a dry run runs no tool but the read-only version checks
    expect(run.calls).toEqual(['istioctl version --remote=false --short']);
  });

  it('refuses an istioctl or a Kubernetes older than the manifests support, naming the minimum', () => {
    const oldIstio = demo(['--dry-run'], { STUB_ISTIO: '1.22.3' });
    expect(oldIstio.status).toBe(1);
    expect(oldIstio.stderr).toContain('istioctl 1.22.3 is older than 1.24');
    const oldKubernetes = demo(['--dry-run'], { KUBERNETES_VERSION: 'v1.28.9' });
    expect(oldKubernetes.status).toBe(1);
    expect(oldKubernetes.stderr).toContain('KUBERNETES_VERSION v1.28.9 is older than 1.30');
  });

  it('--registry minikube pushes the images to the addon and deploys an overlay naming them', () => {
    const run = demo(['up', '--registry', 'minikube', '--dry-run'], { IMAGE_TAG: 'abc123' });
    expect(run.status, run.stderr).toBe(0);
    const lines = plan(run);
    expect(lines).toContainEqual('+ minikube --profile platform addons enable registry');
    expect(lines).toContainEqual('+ docker push 127.0.0.1:5000/platform/gateway:abc123');
    expect(lines).toContainEqual('+ docker push 127.0.0.1:5000/platform/orders:abc123-canary');
    expect(lines).toContainEqual(
      `+ write ${scratch}/platform-minikube-demo-platform/overlay/kustomization.yaml (images: platform/<name> -> localhost:5000/platform/<name>:abc123)`,
    );
    expect(lines).toContainEqual(`+ kubectl apply --kustomize ${scratch}/platform-minikube-demo-platform/overlay`);
    expect(lines.filter((l) => l.includes('docker-env'))).toEqual([]);
  });

  it('rotate-jwt keeps the JWKS from before, rotates one step, and checks the new signing key was in it', () => {
    const run = demo(['rotate-jwt', '--dry-run']);
    expect(run.status, run.stderr).toBe(0);
    const lines = plan(run);
    const order = [
      'curl -fsS http://127.0.0.1:8080/.well-known/jwks.json > ',
      'scripts/k8s/make-secrets.sh rotate-jwt',
      'kubectl apply --kustomize istio/overlays/minikube',
      // the overlay's 0 replicas would stop the load generator the demo started
      'kubectl --namespace platform scale deployment/loadgen --replicas=',
      'rollout status deployment/auth',
      "its token's kid must be in",
    ].map((step) => indexOf(lines, step));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('stops when minikube docker-env fails, instead of building into the wrong engine', () => {
    const run = demo([], { STUB_FAIL: 'minikube --profile platform docker-env --shell bash' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('minikube docker-env failed');
    expect(run.calls.filter((c) => c.startsWith('docker build'))).toEqual([]);
    const elsewhere = demo([], { STUB_DOCKER_NAME: 'my-laptop' });
    expect(elsewhere.status).toBe(1);
    expect(elsewhere.stderr).toContain("docker talks to engine 'my-laptop', not minikube's node 'platform'");
  });

  it('prints the pods, the events, and the description and logs of what a failed step waited for', () => {
    const run = demo([], { STUB_FAIL: 'kubectl --namespace istio-system rollout status deployment/istiod*' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('the step above failed');
    expect(run.stderr).toContain('stub kubectl answered: get pods --all-namespaces -o wide');
    expect(run.stderr).toContain('stub kubectl answered: get events --all-namespaces --sort-by=.lastTimestamp');
    expect(run.stderr).toContain('stub kubectl answered: --namespace istio-system describe deployment/istiod');
    expect(run.stderr).toContain(
      'stub kubectl answered: --namespace istio-system logs deployment/istiod --all-containers --tail=80',
    );
    // nothing after the failed step ran
    expect(run.calls.filter((c) => c.includes('apply --kustomize'))).toEqual([]);
  });
});
