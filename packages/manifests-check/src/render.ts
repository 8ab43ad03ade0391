// Renders the kustomize overlays with `kubectl kustomize`, from a scratch copy of the manifests whose secrets files
// scripts/k8s/make-secrets.sh creates there, so a check never needs, reads or touches the real ones.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from './kube-object.js';
import { repoRoot } from './repo.js';

export interface Overlay {
  /** Path from the repository root. */
  path: string;
  /** Reads files outside its folder (observability/k8s takes compose's Grafana dashboard and Jaeger config). */
  loadFromOutside?: boolean;
}

/** Every overlay a cluster can be given: each folder under k8s/overlays and istio/overlays, and the observability stack. */
export function overlays(root = repoRoot): Overlay[] {
  const under = (dir: string): Overlay[] =>
    existsSync(join(root, dir)) ? readdirSync(join(root, dir)).map((name) => ({ path: `${dir}/${name}` })) : [];
  return [...under('k8s/overlays'), ...under('istio/overlays'), { path: 'observability/k8s', loadFromOutside: true }];
}

export interface ManifestCopy {
  root: string;
  dispose(): void;
}

const copied = ['k8s', 'istio', 'observability', 'scripts/k8s', 'compose/grafana', 'compose/jaeger'];

/** A scratch copy of the manifests, with freshly made throwaway secrets. */
export function copyManifests(): ManifestCopy {
  const root = mkdtempSync(join(tmpdir(), 'manifests-check-'));
  for (const dir of copied) {
    if (!existsSync(join(repoRoot, dir))) continue;
    cpSync(join(repoRoot, dir), join(root, dir), {
      recursive: true,
      // never copy real secrets; the copy gets its own
      filter: (source) => !source.split(sep).includes('secrets'),
    });
  }
  // make-secrets.sh reads the list of services through packages/topology's CLI: the real one, linked
  mkdirSync(join(root, 'packages'));
  symlinkSync(join(repoRoot, 'packages/topology'), join(root, 'packages/topology'));
  execFileSync('bash', [join(root, 'scripts/k8s/make-secrets.sh')], { stdio: ['ignore', 'ignore', 'pipe'] });
  return { root, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

export function kubectlAvailable(): string | undefined {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'kubectl is not on PATH: install it (its built-in kustomize v5 renders the overlays)';
  }
}

export function render(copy: ManifestCopy, overlay: Overlay): KubeObject[] {
  const args = ['kustomize', join(copy.root, overlay.path)];
  if (overlay.loadFromOutside) args.push('--load-restrictor', 'LoadRestrictionsNone');
  let output: string;
  try {
    output = execFileSync('kubectl', args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 << 20,
    });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new Error(`kubectl kustomize ${overlay.path} failed:\n${stderr.replaceAll(copy.root, '')}`);
  }
  return parseObjects(output);
}

export function parseObjects(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((document) => {
      if (document.errors.length > 0) throw new Error(`not YAML: ${document.errors[0]?.message}`);
      return document.toJS() as KubeObject | null;
    })
    .filter((object): object is KubeObject => object !== null);
}

/** Manifests applied as they are rather than through kustomize (istioctl's install file, Kiali's Prometheus name). */
export function readManifest(path: string): KubeObject[] {
  return parseObjects(readFileSync(join(repoRoot, path), 'utf8'));
}
