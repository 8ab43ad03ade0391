// Runs a pod spec's container in docker as the kubelet would: the same image, env (ConfigMaps and Secrets resolved),
// user, read-only root, dropped capabilities, no privilege escalation, tmpfs for emptyDirs, files for Secret and
// ConfigMap volumes, memory and CPU limits; on a network of its own where each Service's DNS names resolve.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IContainer, IProbe } from 'kubernetes-models/v1';
import {
  containerEnv,
  containerPort,
  find,
  type KubeObject,
  matchesLabels,
  ofKind,
  type Workload,
} from './kube-object.js';

const docker = (args: string[]): string =>
  execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** Why containers cannot be run here, or undefined when they can. */
export function dockerUnavailable(images: string[]): string | undefined {
  try {
    docker(['info', '--format', '{{.ServerVersion}}']);
  } catch {
    return 'no Docker engine answers `docker info`: start one (dockerd) or point DOCKER_HOST at one';
  }
  const missing = images.filter((image) => {
    try {
      docker(['image', 'inspect', image]);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    return `images not built: ${missing.join(', ')} (docker build --build-arg SERVICE=<name> -t platform/<name>:dev .)`;
  }
  return undefined;
}

const memory = (quantity: string | undefined): string | undefined => {
  const match = /^(\d+)(Mi|Gi)$/.exec(quantity ?? '');
  return match ? `${Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1)}m` : undefined;
};
const cpus = (quantity: string | number | undefined): string | undefined => {
  if (quantity === undefined) return undefined;
  const text = String(quantity);
  return text.endsWith('m') ? String(Number(text.slice(0, -1)) / 1000) : text;
};

export class PodRunner {
  readonly network: string;
  private readonly files: string;
  private readonly started: string[] = [];

  constructor(private readonly objects: KubeObject[]) {
    this.network = `manifests-check-${process.pid}-${Date.now().toString(36)}`;
    this.files = mkdtempSync(join(tmpdir(), 'manifests-check-pods-'));
    docker(['network', 'create', this.network]);
  }

  /**
   * Starts the first container of a workload. `options.image` replaces its image (PostgreSQL's, on a machine that
   * substitutes it); `options.asDependency` leaves user and capabilities to the image, for a dependency whose
   * substitute's entrypoint starts as root and drops it itself; `options.volumesAsTmpfs` names volumes (claims) to
   * stand in for with a tmpfs.
   */
  start(
    workload: Workload,
    options: { image?: string; asDependency?: boolean; volumesAsTmpfs?: string[] } = {},
  ): string {
    const container = workload.podSpec.containers[0] as IContainer;
    const name = `${this.network}-${workload.name}`;
    const args = ['run', '--detach', '--name', name, '--network', this.network];
    for (const alias of this.dnsNames(workload)) args.push('--network-alias', alias);

    const pod = workload.podSpec.securityContext ?? {};
    const security = container.securityContext ?? {};
    const uid = security.runAsUser ?? pod.runAsUser;
    const gid = security.runAsGroup ?? pod.runAsGroup;
    if (!options.asDependency) {
      if (uid !== undefined) args.push('--user', gid === undefined ? String(uid) : `${uid}:${gid}`);
      if (pod.fsGroup !== undefined) args.push('--group-add', String(pod.fsGroup));
      if (security.capabilities?.drop?.includes('ALL')) args.push('--cap-drop', 'ALL');
      if (security.allowPrivilegeEscalation === false) args.push('--security-opt', 'no-new-privileges');
    }
    if (security.readOnlyRootFilesystem) args.push('--read-only');
    const memoryLimit = memory(container.resources?.limits?.memory as string | undefined);
    if (memoryLimit) args.push('--memory', memoryLimit);
    const cpuLimit = cpus(container.resources?.limits?.cpu as string | undefined);
    if (cpuLimit) args.push('--cpus', cpuLimit);

    for (const mount of container.volumeMounts ?? []) {
      const volume = (workload.podSpec.volumes ?? []).find((v) => v.name === mount.name);
      if (volume?.emptyDir || options.volumesAsTmpfs?.includes(mount.name)) {
        args.push('--tmpfs', `${mount.mountPath}:rw,exec,mode=1777,size=256m`);
      } else if (volume?.secret || volume?.configMap) {
        const kind = volume.secret ? 'Secret' : 'ConfigMap';
        const sourceName = volume.secret?.secretName ?? volume.configMap?.name ?? '';
        const source = find(this.objects, kind, sourceName, workload.namespace);
        if (!source?.data)
          throw new Error(
            `${workload.name}: volume ${mount.name} refers to ${kind} ${sourceName}, which does not exist`,
          );
        const dir = join(this.files, `${workload.name}-${mount.name}`);
        mkdirSync(dir, { recursive: true, mode: 0o755 });
        for (const [key, value] of Object.entries(source.data)) {
          // readable by the container's user, as fsGroup makes them in a pod
          writeFileSync(join(dir, key), kind === 'Secret' ? Buffer.from(value, 'base64') : value, { mode: 0o444 });
        }
        args.push('--volume', `${dir}:${mount.mountPath}:ro`);
      } else if (!volume) {
        throw new Error(`${workload.name}: mount ${mount.name} has no volume`);
      }
    }

    const envFile = join(this.files, `${workload.name}.env`);
    const env = [...containerEnv(this.objects, workload.namespace, container, { name, node: 'docker' })];
    for (const [key, value] of env) {
      if (value === undefined) throw new Error(`${workload.name}: ${key} refers to a missing ConfigMap or Secret key`);
      if (/[\r\n]/.test(value))
        throw new Error(`${workload.name}: ${key} holds a line break, which an env file cannot carry`);
    }
    writeFileSync(envFile, env.map(([key, value]) => `${key}=${value}`).join('\n'), { mode: 0o600 });
    args.push('--env-file', envFile);
    args.push(options.image ?? container.image ?? '');
    if (container.command)
      throw new Error(`${workload.name}: overrides the image's command, which this runner does not copy`);
    args.push(...(container.args ?? []));

    this.started.push(name);
    docker(args);
    return name;
  }

  /** The names the pod answers to in the cluster: each Service selecting it, short and fully qualified. */
  private dnsNames(workload: Workload): string[] {
    return ofKind(this.objects, 'Service')
      .filter((s) => s.metadata.namespace === workload.namespace)
      .filter((s) => matchesLabels((s.spec as { selector?: Record<string, string> }).selector, workload.podLabels))
      .flatMap((s) => {
        const name = s.metadata.name;
        return [
          name,
          `${name}.${workload.namespace}`,
          `${name}.${workload.namespace}.svc`,
          `${name}.${workload.namespace}.svc.cluster.local`,
        ];
      });
  }

  ip(container: string): string {
    return docker([
      'inspect',
      '--format',
      `{{(index .NetworkSettings.Networks "${this.network}").IPAddress}}`,
      container,
    ]);
  }

  /**
   * Asks a probe once, as the kubelet does: an HTTP GET from outside the pod to the pod's IP (here from this process
   * to the container's address on the network), or the exec command inside the container. Returns the HTTP status
   * (0 when nothing answered), or the command's exit code.
   */
  async probeOnce(container: string, spec: IContainer, probe: IProbe): Promise<number> {
    if (probe.exec?.command) {
      const result = spawnSync('docker', ['exec', container, ...probe.exec.command], { stdio: 'ignore' });
      return result.status ?? 1;
    }
    if (!probe.httpGet) throw new Error('only httpGet and exec probes are run');
    const port = containerPort(spec, probe.httpGet.port as number | string);
    const url = `http://${this.ip(container)}:${port}${probe.httpGet.path ?? '/'}`;
    const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
    try {
      return (await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })).status;
    } catch {
      return 0;
    }
  }

  /**
   * GETs a URL as a pod on the network would, resolving the cluster's DNS names: from a throwaway container of
   * `image` (any image with node).
   */
  fetchJsonInNetwork(image: string, url: string): unknown {
    const script = `fetch(${JSON.stringify(url)}).then((r) => r.text()).then((t) => process.stdout.write(t))`;
    return JSON.parse(
      docker([
        'run',
        '--rm',
        '--network',
        this.network,
        '--user',
        '1000:1000',
        '--entrypoint',
        'node',
        image,
        '-e',
        script,
      ]),
    );
  }

  /** Asks a probe until it passes (200 or exit 0) or the time is up; the last answer and the container's log. */
  async waitFor(
    container: string,
    spec: IContainer,
    probe: IProbe,
    timeoutMs: number,
  ): Promise<{ passed: boolean; last: number }> {
    const deadline = Date.now() + timeoutMs;
    let last = -1;
    while (Date.now() < deadline) {
      if (!this.running(container)) break;
      last = await this.probeOnce(container, spec, probe);
      if (last === 200 || (probe.exec && last === 0)) return { passed: true, last };
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    return { passed: false, last };
  }

  running(container: string): boolean {
    return docker(['inspect', '--format', '{{.State.Running}}', container]) === 'true';
  }

  /** The last lines the container wrote, both streams, for a failure message. */
  logs(container: string): string {
    const result = spawnSync('docker', ['logs', '--tail', '40', container], { encoding: 'utf8' });
    return `${result.stdout ?? ''}${result.stderr ?? ''}`;
  }

  dispose(): void {
    for (const name of this.started) {
      try {
        docker(['rm', '--force', '--volumes', name]);
      } catch {
        // already gone
      }
    }
    try {
      docker(['network', 'rm', this.network]);
    } finally {
      rmSync(this.files, { recursive: true, force: true });
    }
  }
}
