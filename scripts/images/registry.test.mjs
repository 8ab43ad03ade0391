// The publishing path against a real registry (Debian's docker-registry, the CNCF distribution registry 2.8) and a
// real Docker engine: `images:push` pushes every service image under the commit's SHA, refuses to put a different
// image under an existing tag, an image pulled by digest runs and reports its version, and the digest component
// pins the manifests to exactly those bytes. Run by `npm run test:registry` (scripts/images/test-registry.sh).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { repoRoot, serviceImages } from './services.mjs';

const git = (...args) => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();
const docker = (...args) =>
  execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const MANIFEST_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
].join(', ');

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// the commit's SHA, named explicitly so a commit made while the suite runs cannot move the tag under it
function push(...args) {
  const command = [join(repoRoot, 'scripts/images/push.mjs'), '--registry', registry, '--tag', sha, ...args];
  return spawnSync('node', command, {
    cwd: repoRoot,
    encoding: 'utf8',
    // each build runs its service's tests; on a cold cache that is minutes per image
    timeout: 40 * 60_000,
  });
}

/** What the registry itself says the tag points at (not what the push script reported). */
async function registryDigest(name, reference) {
  const response = await fetch(`http://${registry}/v2/platform/${name}/manifests/${reference}`, {
    method: 'HEAD',
    headers: { accept: MANIFEST_TYPES },
  });
  return response.status === 200 ? response.headers.get('docker-content-digest') : `HTTP ${response.status}`;
}

let registry;
let registryDir;
let componentDir;
const services = serviceImages();
const sha = git('rev-parse', 'HEAD');
const digests = new Map();
const containers = [];

beforeAll(async () => {
  const port = await freePort();
  registryDir = `/tmp/platform-registry-${port}`;
  registry = execFileSync('bash', [join(repoRoot, 'scripts/ci/start-registry.sh'), String(port)], {
    encoding: 'utf8',
  }).trim();
  componentDir = mkdtempSync(join(tmpdir(), 'image-digests-'));
});

afterAll(() => {
  for (const container of containers) spawnSync('docker', ['rm', '-f', container]);
  for (const service of services) {
    spawnSync('docker', ['rmi', `${registry}/platform/${service.name}:${sha}`]);
    const digest = digests.get(service.name);
    if (digest) spawnSync('docker', ['rmi', `${registry}/platform/${service.name}@${digest}`]);
  }
  try {
    process.kill(Number(readFileSync(join(registryDir, 'pid'), 'utf8')));
  } catch {}
  rmSync(registryDir, { recursive: true, force: true });
  rmSync(componentDir, { recursive: true, force: true });
});

describe('images:push against a real registry', () => {
  it('pushes every service image (one per services/<name>/, from the root Dockerfile) under the commit SHA', async () => {
    expect(services.map((service) => service.name)).toEqual(expect.arrayContaining(['auth', 'gateway']));
    const result = push('--kustomize-out', componentDir);
    expect(result.status, result.stderr.slice(-3000)).toBe(0);
    for (const service of services) {
      const line = result.stdout.split('\n').find((l) => l.startsWith(`${registry}/platform/${service.name}:${sha} `));
      expect(line, `no digest line for ${service.name}`).toBeDefined();
      const digest = line.split(' ')[1];
      expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(await registryDigest(service.name, sha)).toBe(digest);
      digests.set(service.name, digest);
    }
  });

  it('pushing the same images again changes nothing', async () => {
    const result = push('--no-build', '--kustomize-out', componentDir);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toContain('already in the registry with this very image');
    for (const service of services) expect(await registryDigest(service.name, sha)).toBe(digests.get(service.name));
  });

  it('refuses to put a different image under an existing tag, and the registry keeps the first', async () => {
    const gatewayRef = `${registry}/platform/gateway:${sha}`;
    const gatewayId = docker('image', 'inspect', '--format', '{{.Id}}', gatewayRef);
    docker('tag', `${registry}/platform/auth:${sha}`, gatewayRef);
    try {
      const result = push('--no-build', '--only', 'gateway', '--kustomize-out', componentDir);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`refusing to overwrite ${gatewayRef}`);
      expect(await registryDigest('gateway', sha)).toBe(digests.get('gateway'));
    } finally {
      docker('tag', gatewayId, gatewayRef);
    }
  });

  it('pulls the gateway by digest and runs it: /healthz and the OCI labels carry its version', async () => {
    const version = services.find((service) => service.name === 'gateway').version;
    const byDigest = `${registry}/platform/gateway@${digests.get('gateway')}`;
    // no local copy under the tag: what runs is what the registry served for that digest
    docker('rmi', `${registry}/platform/gateway:${sha}`);
    expect(spawnSync('docker', ['pull', byDigest], { encoding: 'utf8' }).status).toBe(0);

    const labels = JSON.parse(docker('image', 'inspect', '--format', '{{json .Config.Labels}}', byDigest));
    expect(labels['org.opencontainers.image.version']).toBe(version);
    expect(labels['org.opencontainers.image.revision']).toBe(sha);

    const name = `registry-test-gateway-${process.pid}`;
    containers.push(name);
    docker(
      'run',
      '-d',
      '--name',
      name,
      '--read-only',
      '--tmpfs',
      '/tmp',
      '--cap-drop',
      'ALL',
      '-p',
      '127.0.0.1::8080',
      '-e',
      'OTEL_SDK_DISABLED=true',
      byDigest,
    );
    const hostPort = docker('port', name, '8080/tcp').split('\n')[0].split(':').pop();
    let health;
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
      health = await fetch(`http://127.0.0.1:${hostPort}/healthz`).then(
        async (response) => ({ status: response.status, body: await response.json() }),
        () => undefined,
      );
      if (health?.status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(health, docker('logs', name)).toEqual({ status: 200, body: { status: 'ok', version } });
  });

  it('the digest component pins every platform/<name> image to <registry>/platform/<name>@<digest>', () => {
    const overlay = mkdtempSync(join(tmpdir(), 'digest-overlay-'));
    try {
      const deployments = services.map(
        (service) =>
          `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${service.name}\nspec:\n  selector:\n    matchLabels:\n      app: ${service.name}\n  template:\n    metadata:\n      labels:\n        app: ${service.name}\n    spec:\n      containers:\n        - name: ${service.name}\n          image: platform/${service.name}:dev\n`,
      );
      writeFileSync(join(overlay, 'deployments.yaml'), deployments.join('---\n'));
      writeFileSync(
        join(overlay, 'kustomization.yaml'),
        `resources:\n  - deployments.yaml\ncomponents:\n  - ${relative(overlay, componentDir)}\n`,
      );
      const rendered = execFileSync('kubectl', ['kustomize', '--load-restrictor', 'LoadRestrictionsNone', overlay], {
        encoding: 'utf8',
      });
      const images = Object.fromEntries(
        parseAllDocuments(rendered).map((document) => {
          const object = document.toJS();
          return [object.metadata.name, object.spec.template.spec.containers[0].image];
        }),
      );
      for (const service of services) {
        expect(images[service.name]).toBe(`${registry}/platform/${service.name}@${digests.get(service.name)}`);
      }
    } finally {
      rmSync(overlay, { recursive: true, force: true });
    }
  });
});
