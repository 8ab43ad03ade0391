// What docker compose promises about every container of the platform: non-root processes, a read-only root file
// system, no capabilities beyond need, memory limits, only the gateway published (on loopback), no PGlite shipped.
import { beforeAll, describe, expect, it } from 'vitest';
import { type ContainerInfo, docker, processUids, projectContainers, waitHealthy } from './docker-cli.js';

const services = ['auth', 'catalog', 'orders', 'gateway'];
let containers: Map<string, ContainerInfo>;

beforeAll(async () => {
  // another file may have just restarted a service: give the stack its time to settle before looking at it
  for (const name of ['postgres', ...services]) await waitHealthy(name, 60_000);
  containers = await projectContainers();
}, 120_000);

const get = (name: string): ContainerInfo => {
  const info = containers.get(name);
  if (!info) throw new Error(`no ${name} container in the project (have: ${[...containers.keys()].join(', ')})`);
  return info;
};

describe('every container of the stack', () => {
  it('runs the four services and PostgreSQL, all healthy', () => {
    expect([...containers.keys()].sort()).toEqual(['auth', 'catalog', 'gateway', 'orders', 'postgres']);
    for (const [name, info] of containers) expect(`${name}: ${info.State.Health?.Status}`).toBe(`${name}: healthy`);
  });

  it.each(['postgres', ...services])('%s runs no process as root', async (name) => {
    const uids = await processUids(get(name).Id);
    expect(uids.length).toBeGreaterThan(0);
    expect(uids.filter((uid) => uid === 0)).toEqual([]);
  });

  it.each(['postgres', ...services])(
    '%s has a read-only root, no-new-privileges, all capabilities dropped and a memory limit',
    (name) => {
      const { HostConfig } = get(name);
      expect(HostConfig.ReadonlyRootfs).toBe(true);
      expect(HostConfig.CapDrop).toContain('ALL');
      expect(HostConfig.SecurityOpt).toContain('no-new-privileges:true');
      expect(HostConfig.Memory).toBeGreaterThan(0);
    },
  );

  it('publishes only the gateway, and only on loopback', () => {
    for (const [name, info] of containers) {
      const bindings = Object.values(info.HostConfig.PortBindings ?? {}).flatMap((list) => list ?? []);
      if (name === 'gateway') {
        expect(bindings.length).toBe(1);
        expect(bindings[0]?.HostIp).toBe('127.0.0.1');
      } else {
        expect(`${name}: ${bindings.length}`).toBe(`${name}: 0`);
      }
    }
  });
});

describe.each(services)('the %s container', (name) => {
  it('runs its own image as user node under an init process', () => {
    const info = get(name);
    expect(info.Config.Image).toBe(`platform/${name}:dev`);
    expect(info.Config.User).toBe('node');
    expect(info.HostConfig.Init).toBe(true);
  });

  it('cannot write its root file system, only /tmp', async () => {
    const write = (path: string) =>
      docker('exec', get(name).Id, 'node', '-e', `require('node:fs').writeFileSync(${JSON.stringify(path)}, 'x')`).then(
        () => 'written',
        (error: { stderr?: string }) => error.stderr ?? String(error),
      );
    expect(await write('/app/written-by-test')).toMatch(/EROFS/);
    expect(await write('/tmp/written-by-test')).toBe('written');
  });

  it('ships production dependencies only: no PGlite, no test or build tools', async () => {
    const present = await docker(
      'exec',
      get(name).Id,
      'node',
      '-e',
      `const fs = require('node:fs');
       const paths = ['@electric-sql/pglite', '@platform/embedded-postgres', '@platform/test-databases', 'vitest', 'typescript', 'turbo'];
       console.log(JSON.stringify(paths.filter((p) => fs.existsSync('/app/node_modules/' + p))));`,
    );
    expect(JSON.parse(present)).toEqual([]);
  });
});
