// Each service runs the image docker compose builds for it (platform/<name>, from the one root Dockerfile with
// SERVICE=<name>), so the demo's `docker build` and compose agree on one name and one build.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { type KubeObject, ref, workloads } from '../kube-object.js';
import { platformNamespace, platformServices } from '../platform-services.js';
import { repoRoot } from '../repo.js';

interface ComposeBuild {
  context?: string;
  dockerfile?: string;
  args?: Record<string, string> | string[];
}

interface ComposeFile {
  services?: Record<string, { image?: string; build?: string | ComposeBuild }>;
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
    if (!existsSync(join(root, 'services', service.name, 'package.json'))) {
      problems.push(`${ref(w.object)}: services/${service.name}/ is not a service workspace (yet)`);
    }
    const composed = compose?.services?.[service.name];
    if (compose && w.podLabels.version === 'v1') {
      if (composeImageByDefault(composed?.image) !== image)
        problems.push(
          `${ref(w.object)}: compose names ${service.name}'s image ${composed?.image}, the manifest ${image}`,
        );
      const build = typeof composed?.build === 'object' ? composed.build : undefined;
      if (build) {
        const dockerfile = build.dockerfile ?? 'Dockerfile';
        if (dockerfile !== 'Dockerfile' && dockerfile !== './Dockerfile') {
          problems.push(`${ref(w.object)}: compose builds ${service.name} from ${dockerfile}, not the root Dockerfile`);
        }
        const built = buildArg(build.args, 'SERVICE');
        if (built !== service.name) {
          problems.push(`${ref(w.object)}: compose builds ${service.name} with SERVICE=${built ?? '(unset)'}`);
        }
      }
    }
  }
  return problems;
}

/** A build argument of a compose build, in either of compose's two spellings (a map, or a list of NAME=value). */
function buildArg(args: ComposeBuild['args'], name: string): string | undefined {
  if (Array.isArray(args)) {
    const entry = args.find((arg) => arg.startsWith(`${name}=`));
    return entry?.slice(name.length + 1);
  }
  return args?.[name];
}

/**
 * The image compose runs when no variable is set: `${REGISTRY:-docker.io}/platform/x:${TAG:-dev}` is
 * platform/x:dev, as Docker itself names an image of Docker Hub without its `docker.io/`.
 */
function composeImageByDefault(image: string | undefined): string | undefined {
  return image?.replace(/\$\{\w+:?-([^}]*)\}/g, '$1').replace(/^docker\.io\//, '');
}
