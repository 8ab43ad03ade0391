#!/usr/bin/env node
// `npm run images:push -- --registry HOST[:PORT][/NAMESPACE]`: builds every service image (each build runs the
// service's tests), tags it <registry>/platform/<name>:<git sha> with its version and revision as OCI labels, and
// pushes it. A tag is immutable here: when the registry already holds it for a different image, the push is refused
// (exit 1); for the same image it is left as it is. Then writes the kustomize component that pins the digests.
//
// Options: --tag TAG (default: the commit's full SHA; a tree with uncommitted changes needs --allow-dirty, since its
//          images are not that commit's), --only NAME[,NAME] (a subset of services), --no-build (push the images
//          already tagged <registry>/platform/<name>:<tag>), --kustomize-out DIR (default
//          k8s/components/image-digests), --build-arg NAME=VALUE (repeatable, e.g. NODE_IMAGE).
// The check-then-push is not atomic: two pushes of one tag racing each other are not caught (a registry with tag
// immutability, such as GHCR with the images workflow's check, or Harbor, closes that).
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeDigestComponent } from './digest-component.mjs';
import { repoRoot, serviceImages } from './services.mjs';

const { values } = parseArgs({
  options: {
    registry: { type: 'string' },
    tag: { type: 'string' },
    only: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    'allow-dirty': { type: 'boolean', default: false },
    'kustomize-out': { type: 'string', default: join(repoRoot, 'k8s/components/image-digests') },
    'build-arg': { type: 'string', multiple: true, default: [] },
  },
});

const fail = (message) => {
  console.error(`images:push: ${message}`);
  process.exit(1);
};
const say = (message) => console.error(`images:push: ${message}`);
const git = (...args) => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();
const docker = (...args) =>
  execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

const registry = values.registry?.replace(/\/+$/, '');
if (!registry) fail('--registry is required, e.g. --registry 127.0.0.1:5000 or --registry ghcr.io/<owner>');

const revision = git('rev-parse', 'HEAD');
const dirty = git('status', '--porcelain') !== '';
if (dirty && !values.tag && !values['allow-dirty']) {
  fail(
    `the work tree has uncommitted changes, so its images are not commit ${revision.slice(0, 12)}'s; commit first (or pass --allow-dirty)`,
  );
}
const tag = values.tag ?? revision;
if (!/^[\w][\w.-]{0,127}$/.test(tag)) fail(`--tag ${JSON.stringify(tag)} is not a valid image tag`);

let services = serviceImages();
if (values.only) {
  const wanted = values.only.split(',').map((name) => name.trim());
  const unknown = wanted.filter((name) => !services.some((service) => service.name === name));
  if (unknown.length > 0)
    fail(`no service image ${unknown.join(', ')}; known: ${services.map((s) => s.name).join(', ')}`);
  services = services.filter((service) => wanted.includes(service.name));
}

/** The image id (config digest) the registry holds under ref, or undefined when the tag does not exist. */
function remoteImageId(ref) {
  const insecure = /^(127\.|localhost[:/])/.test(ref) ? ['--insecure'] : [];
  const result = spawnSync('docker', ['manifest', 'inspect', ...insecure, ref], { encoding: 'utf8' });
  if (result.status !== 0) {
    if (/no such manifest|manifest unknown|not found/i.test(result.stderr)) return undefined;
    fail(`could not ask the registry about ${ref}: ${result.stderr.trim()}`);
  }
  const manifest = JSON.parse(result.stdout);
  // an image index (multi-arch) has no single config: never the image built here, so never ours to overwrite
  return manifest.config?.digest ?? `index ${manifest.mediaType ?? 'of several platforms'}`;
}

const pushed = [];
let refused = 0;
for (const service of services) {
  const repository = `${registry}/${service.image}`;
  const ref = `${repository}:${tag}`;
  if (!values['no-build']) {
    say(`building ${ref} (version ${service.version}; its tests run in the build)`);
    const buildArgs = [
      ...service.buildArgs,
      `VERSION=${service.version}`,
      `REVISION=${revision}`,
      ...values['build-arg'],
    ];
    const build = spawnSync(
      'docker',
      ['build', '-f', service.dockerfile, ...buildArgs.flatMap((arg) => ['--build-arg', arg]), '-t', ref, '.'],
      { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] },
    );
    if (build.status !== 0) fail(`${service.name}: the image did not build (a failing test fails its build)`);
  }
  let localId;
  try {
    localId = docker('image', 'inspect', '--format', '{{.Id}}', ref);
  } catch {
    fail(`${service.name}: no local image ${ref} to push (build it, or leave out --no-build)`);
  }

  const remoteId = remoteImageId(ref);
  if (remoteId !== undefined && remoteId !== localId) {
    console.error(
      `images:push: refusing to overwrite ${ref}: the registry holds image ${remoteId} under it, this build is ${localId}. ` +
        'Tags are immutable: push under a new tag (commit first).',
    );
    refused += 1;
    continue;
  }
  if (remoteId === undefined) {
    say(`pushing ${ref}`);
    const push = spawnSync('docker', ['push', ref], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (push.status !== 0) fail(`${service.name}: docker push ${ref} failed`);
  } else {
    say(`${ref} is already in the registry with this very image; left as it is`);
  }
  const repoDigests = JSON.parse(docker('image', 'inspect', '--format', '{{json .RepoDigests}}', ref));
  const digest = repoDigests.find((entry) => entry.startsWith(`${repository}@`))?.split('@')[1];
  if (!digest) fail(`${service.name}: no digest recorded for ${repository} after the push`);
  pushed.push({ name: service.name, image: service.image, repository, tag, digest });
  console.log(`${repository}:${tag} ${digest}`);
}

if (refused > 0) fail(`${refused} image(s) refused: an existing tag is never overwritten`);
writeDigestComponent(values['kustomize-out'], pushed);
say(`pinned ${pushed.length} image(s) by digest in ${join(values['kustomize-out'], 'kustomization.yaml')}`);
