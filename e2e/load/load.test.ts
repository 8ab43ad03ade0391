// `docker compose --profile load up`: the load generator drives steady traffic through the gateway, as the issue of the
// storefront and the load generator promises for the dashboards: over a stretch of time its own counters rise, the
// gateway's count of API answers rises at least as much, and its container is hardened like every other.
// scripts/compose/test-compose.sh starts the load profile before this runs; E2E_BASE_URL and E2E_COMPOSE_PROJECT say
// where the stack is.
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ContainerInfo, container, docker, processUids, waitHealthy } from '../compose/docker-cli.js';

const baseUrl = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:8080';
/** How long the traffic is watched: long enough for the configured pace (LOADGEN_RATE, 2 a second by default). */
const WINDOW_MS = 20_000;
let loadgen: ContainerInfo;

/** loadgen's ops port is not published: its /metrics, read from inside its own container. */
async function loadgenMetrics(): Promise<string> {
  return docker(
    'exec',
    loadgen.Id,
    'node',
    '-e',
    "fetch('http://127.0.0.1:9103/metrics').then((r) => r.text()).then((t) => process.stdout.write(t))",
  );
}

/** The sum of the samples of a metric in a Prometheus text, those whose labels match. */
function sum(text: string, name: string, labels: (line: string) => boolean = () => true): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && labels(line))
    .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

/** The gateway's answers on the public API (its readiness probes and other ops routes left out). */
async function gatewayApiAnswers(): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  return sum(text, 'http_server_requests_total', (line) => /route="\/api\//.test(line));
}

beforeAll(async () => {
  await waitHealthy('loadgen', 120_000);
  loadgen = await container('loadgen');
}, 150_000);

describe('the load profile', () => {
  it('drives steady traffic: loadgen counts its answers, and the gateway served at least as many', async () => {
    // the gateway read first and last, so the window it counts holds the loadgen's
    const gatewayBefore = await gatewayApiAnswers();
    const before = { loadgen: await loadgenMetrics(), gateway: gatewayBefore };
    await sleep(WINDOW_MS);
    const loadgenAfter = await loadgenMetrics();
    const after = { loadgen: loadgenAfter, gateway: await gatewayApiAnswers() };

    const ok = (text: string) => sum(text, 'loadgen_requests_total', (line) => line.includes('outcome="ok"'));
    const answered = ok(after.loadgen) - ok(before.loadgen);
    // at the default pace (2 actions a second, one to three requests each) about 60 in 20 s; a busy machine less
    expect(answered).toBeGreaterThanOrEqual(15);
    // each of those went through the gateway, which may have served others too; a shopper's answer on its way back
    // while the first reading was taken counts on the loadgen's side only: at most one per shopper (5)
    expect(after.gateway - before.gateway).toBeGreaterThanOrEqual(answered - 5);
    const browsed = (text: string) =>
      sum(
        text,
        'loadgen_requests_total',
        (line) => line.includes('kind="list_products"') && line.includes('outcome="ok"'),
      );
    expect(browsed(after.loadgen)).toBeGreaterThan(browsed(before.loadgen));
    // its latency histogram fills with the same answers
    const latencies = (text: string) =>
      sum(text, 'loadgen_request_duration_seconds_count', (line) => line.includes('outcome="ok"'));
    expect(latencies(after.loadgen) - latencies(before.loadgen)).toBe(answered);
    console.log(
      `in ${WINDOW_MS / 1000} s: ${answered} answers to the load generator, ${after.gateway - before.gateway} API answers of the gateway`,
    );
  });

  it('runs the load generator like every service: as node, read-only, no capabilities, not published', async () => {
    const info = loadgen;
    expect(info.Config.Image.replace(/^docker\.io\//, '')).toBe(`platform/loadgen:${process.env.TAG || 'dev'}`);
    expect(info.Config.User).toBe('node');
    expect(info.HostConfig.Init).toBe(true);
    expect(info.HostConfig.ReadonlyRootfs).toBe(true);
    expect(info.HostConfig.CapDrop).toContain('ALL');
    expect(info.HostConfig.SecurityOpt).toContain('no-new-privileges:true');
    expect(info.HostConfig.Memory).toBeGreaterThan(0);
    expect(Object.values(info.HostConfig.PortBindings ?? {}).flatMap((list) => list ?? [])).toEqual([]);
    expect((await processUids(info.Id)).filter((uid) => uid === 0)).toEqual([]);
    expect(info.Mounts.filter((mount) => mount.Type === 'volume')).toEqual([]);
  });
});
