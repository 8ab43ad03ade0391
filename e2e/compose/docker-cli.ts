// The docker CLI as the container checks use it: the containers of one compose project, what docker knows about
// them, and the two actions the restart check needs. The project name comes from E2E_COMPOSE_PROJECT.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const composeProject = process.env.E2E_COMPOSE_PROJECT ?? 'platform-test';

export async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim();
}

/** The part of `docker inspect` the checks read. */
export interface ContainerInfo {
  Id: string;
  Name: string;
  State: { Status: string; Running: boolean; Pid: number; ExitCode: number; Health?: { Status: string } };
  Config: { User: string; Image: string; Labels: Record<string, string>; Env: string[] | null };
  Mounts: { Type: string; Name?: string; Destination: string; RW: boolean }[];
  HostConfig: {
    ReadonlyRootfs: boolean;
    CapDrop: string[] | null;
    CapAdd: string[] | null;
    SecurityOpt: string[] | null;
    Init: boolean | null;
    Memory: number;
    NetworkMode: string;
    PortBindings: Record<string, { HostIp: string; HostPort: string }[] | null> | null;
  };
}

/** Every container of the project, keyed by its compose service name. */
export async function projectContainers(): Promise<Map<string, ContainerInfo>> {
  const ids = await docker('ps', '-aq', '--filter', `label=com.docker.compose.project=${composeProject}`);
  if (!ids) return new Map();
  const infos = JSON.parse(await docker('inspect', ...ids.split('\n'))) as ContainerInfo[];
  return new Map(infos.map((info) => [info.Config.Labels['com.docker.compose.service'] ?? info.Name, info]));
}

export async function container(service: string): Promise<ContainerInfo> {
  const info = (await projectContainers()).get(service);
  if (!info) throw new Error(`no container for service ${service} in compose project ${composeProject}`);
  return info;
}

/** The numeric user ids of every process running in a container, as the host sees them. */
export async function processUids(id: string): Promise<number[]> {
  // docker needs the pid column to map ps output back to the container
  const table = await docker('top', id, '-o', 'pid,uid');
  return table
    .split('\n')
    .slice(1)
    .map((line) => Number(line.trim().split(/\s+/)[1]));
}

/** Waits until docker reports the container healthy (its compose healthcheck probes /readyz). */
export async function waitHealthy(service: string, timeoutMs = 120_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    const info = await container(service);
    if (info.State.Health?.Status === 'healthy') return Date.now() - started;
    if (Date.now() - started > timeoutMs) {
      throw new Error(
        `${service} not healthy after ${timeoutMs} ms (state ${info.State.Status}, health ${info.State.Health?.Status})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Every container of one compose service (several when it is scaled), oldest first. */
export async function serviceContainers(service: string): Promise<ContainerInfo[]> {
  const ids = await docker(
    'ps',
    '-q',
    '--filter',
    `label=com.docker.compose.project=${composeProject}`,
    '--filter',
    `label=com.docker.compose.service=${service}`,
  );
  if (!ids) return [];
  const infos = JSON.parse(await docker('inspect', ...ids.split('\n'))) as ContainerInfo[];
  const number = (info: ContainerInfo) => Number(info.Config.Labels['com.docker.compose.container-number'] ?? 0);
  return infos.sort((a, b) => number(a) - number(b));
}

/** Waits until docker reports one container healthy, by id. */
export async function waitContainerHealthy(id: string, timeoutMs = 120_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    const [info] = JSON.parse(await docker('inspect', id)) as ContainerInfo[];
    if (info?.State.Health?.Status === 'healthy') return;
    if (Date.now() - started > timeoutMs) {
      throw new Error(`container ${id} not healthy after ${timeoutMs} ms (health ${info?.State.Health?.Status})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
