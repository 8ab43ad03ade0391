// Each service runs the image docker compose builds for it (platform/<name>, from services/<name>/Dockerfile), so
// the demo's `docker build` and compose agree on one name.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { type KubeObject, ref, workloads } from '../kube-object.js';
import { platformNamespace, platformServices } from '../platform-services.js';
import { repoRoot } from '../repo.js';

interface ComposeFile {
  services?: Record<string, { image?: string; build?: string | { context?: string; dockerfile?: string } }>;
}

export function checkImages(objects: KubeObject[], root = repoRoot): string[] {
  const problems: string[] = [];
  const composePath = ['docker-compose.yml', 'compose.yaml', 'compose.yml'].map((f) => join(root, f)).find(existsSync);
  const compose = composePath ? (parse(readFileSync(composePath, 'utf8')) as ComposeFile) : undefined;
  if (!compose)
    problems.push('docker-compose.yml not found at the repository root: cannot compare image names with compose');
  for (const w of workloads(objects).filter((p) => p.namespace === platformNamespace)) {
    const service = platformServices.find((s) => s.name === w.podLabels.app);
    if (!service) continue;
    const image = w.podSpec.containers[0]?.image ?? '';
    const [repository, tag] = image.split(':');
    if (repository !== `platform/${service.name}`)
      problems.push(`${ref(w.object)}: image ${image} is not platform/${service.name}`);
    const expectedTag = w.podLabels.version === 'v1' ? 'dev' : 'canary';
    if (tag !== expectedTag) problems.push(`${ref(w.object)}: image tag ${tag}, want ${expectedTag}`);
    if (!existsSync(join(root, 'services', service.name, 'Dockerfile'))) {
      problems.push(`${ref(w.object)}: services/${service.name}/Dockerfile does not exist (yet)`);
    }
    const composed = compose?.services?.[service.name];
    if (compose && w.podLabels.version === 'v1') {
      if (composeImageByDefault(composed?.image) !== image)
        problems.push(
          `${ref(w.object)}: compose names ${service.name}'s image ${composed?.image}, the manifest ${image}`,
        );
      const dockerfile = typeof composed?.build === 'object' ? composed.build.dockerfile : undefined;
      if (dockerfile && !dockerfile.endsWith(`services/${service.name}/Dockerfile`)) {
        problems.push(`${ref(w.object)}: compose builds ${service.name} from ${dockerfile}`);
      }
    }
  }
  return problems;
}

/**
 * The image compose runs when no variable is set: `${REGISTRY:-docker.io}/platform/x:${TAG:-dev}` is
 * platform/x:dev, as Docker itself names an image of Docker Hub without its `docker.io/`.
 */
function composeImageByDefault(image: string | undefined): string | undefined {
  return image?.replace(/\$\{\w+:?-([^}]*)\}/g, '$1').replace(/^docker\.io\//, '');
}
