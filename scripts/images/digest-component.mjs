// Writes the kustomize component that pins every service image to the digest a push produced, so a deployment
// runs exactly the bytes that were tested and pushed, whatever happens to the tags later.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @param {string} dir where kustomization.yaml goes
 * @param {{ image: string, repository: string, digest: string, tag: string }[]} pushed
 */
export function writeDigestComponent(dir, pushed) {
  const images = pushed
    .map(
      ({ image, repository, digest, tag }) =>
        `  # ${repository}:${tag}\n  - name: ${image}\n    newName: ${repository}\n    digest: ${digest}\n`,
    )
    .join('');
  const text = [
    '# Pins every service image to the digest `npm run images:push` pushed (written by it; commit it with a release).',
    '# Add it as the last component of an overlay: the manifests name platform/<name>:dev, this replaces each with',
    '# <registry>/platform/<name>@sha256:..., which no later push can change.',
    'apiVersion: kustomize.config.k8s.io/v1alpha1',
    'kind: Component',
    pushed.length > 0 ? `images:\n${images}` : 'images: []\n',
  ].join('\n');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'kustomization.yaml'), text);
}
