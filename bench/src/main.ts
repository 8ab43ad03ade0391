// `npm run bench`: starts a PostgreSQL server (unless DATABASE_URL names one) with a fresh database, the platform on
// ports shifted by BENCH_PORT_OFFSET, the bare baseline server and an OTLP receiver, runs the scenarios, then the
// embedded server's figures beside them, and writes bench/results/<date>.json and BENCHMARKS.md. It reports; it
// never fails on a goal.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { offsetPorts, type PlatformPorts } from '@platform/launcher';
import type { BenchContext, RunningPlatform } from './bench-context.js';
import { startHelper } from './child-process.js';
import { loadBenchConfig } from './config.js';
import { describeMachine } from './machine.js';
import { productList } from './platform-client.js';
import { createFreshDatabase, startPostgresServer } from './postgres-server.js';
import { residentMiB } from './process-memory.js';
import { type BenchResults, type StorageResults, writeReport } from './report.js';
import { measureAuthenticatedRead } from './scenarios/authenticated-read.js';
import { measureFixedRateLatency, sustainableRate } from './scenarios/fixed-rate-latency.js';
import { measureOrderPlacement } from './scenarios/order-placement.js';
import { measureReadPath, roundAll } from './scenarios/read-path.js';
import { measureStartups } from './scenarios/startup.js';
import { measureTracing } from './scenarios/tracing.js';
import { measureUncachedRead } from './scenarios/uncached-read.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = resolve(here, '../..');
const config = loadBenchConfig(process.env);
const started = new Date();
const log = (message: string) => process.stdout.write(`${message}\n`);
const scratch = mkdtempSync(join(tmpdir(), 'platform-bench-'));
// as root the PostgreSQL servers run as user postgres, which must be able to enter it (mkdtemp makes it 0700)
chmodSync(scratch, 0o755);
const cleanups: (() => Promise<void>)[] = [];

/** The services' environment: as `npm start` would pass it, minus the rate limit and most logging. */
function serviceEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('OTEL_') || key.startsWith('BENCH_') || key === 'DATABASE_URL') delete env[key];
  }
  return {
    ...env,
    RATE_LIMIT_MAX: '0',
    CREDENTIALS_RATE_LIMIT_MAX: '0',
    LOG_LEVEL: 'warn',
    OTEL_SDK_DISABLED: 'true',
    NO_COLOR: '1',
    ...extra,
  };
}

interface PlatformInfo {
  gatewayUrl: string;
  databaseUrl: string;
  databaseUrls: Record<string, string>;
  pids: Record<string, number | undefined>;
  launcherPid: number;
}

async function startPlatformProcess(
  label: string,
  storage: string,
  options: { ports: PlatformPorts; services?: string[]; databaseUrl?: string; dataDir: string },
  env: Record<string, string | undefined>,
): Promise<RunningPlatform> {
  const t0 = performance.now();
  const tail: string[] = [];
  const helper = await startHelper<PlatformInfo>(join(here, 'platform.main.js'), [JSON.stringify(options)], {
    env,
    timeoutMs: 180_000,
    onLine: (line) => {
      tail.push(line);
      if (tail.length > 200) tail.shift();
    },
  });
  cleanups.push(() => helper.stop(30_000));
  const { gatewayUrl, databaseUrl, databaseUrls, pids, launcherPid } = helper.announced;
  log(`${label}: ready in ${((performance.now() - t0) / 1000).toFixed(1)} s at ${gatewayUrl}`);
  return {
    storage,
    gatewayUrl,
    databaseUrl,
    databaseUrls,
    ports: options.ports,
    pids: { ...pids, launcher: launcherPid },
    env,
    stop: () => helper.stop(30_000),
  } as RunningPlatform & { stop(): Promise<void> };
}

const idleResident = (platform: RunningPlatform) =>
  roundAll(Object.fromEntries(Object.entries(platform.pids).map(([name, pid]) => [name, residentMiB(pid)])));

async function main(): Promise<void> {
  const machine = describeMachine();
  log(
    `machine: ${machine.cores} cores, ${machine.cpuModel}, Node ${machine.node}, load average ${machine.loadAverageAtStart}`,
  );
  const ports = offsetPorts(config.portOffset);
  const has = (scenario: Parameters<typeof config.scenarios.has>[0]) => config.scenarios.has(scenario);

  // the receiver and the bare server live in their own processes
  const receiver = await startHelper<{ port: number }>(join(here, 'otlp-receiver.main.js'), []);
  cleanups.push(() => receiver.stop());
  const receiverUrl = `http://127.0.0.1:${receiver.announced.port}`;

  const results: BenchResults = {
    date: started.toISOString(),
    machine,
    config: { ...config, scenarios: [...config.scenarios], databaseUrl: config.databaseUrl ? 'given' : 'started' },
    storages: [],
    durationSeconds: 0,
  };

  // a PostgreSQL server of its own (or the one given), every service in one fresh database on it
  const server = await startPostgresServer(config.databaseUrl, config.pgPort, join(scratch, 'postgres-server'));
  cleanups.push(() => server.stop());
  const serverUrl = server.url;
  const stamp = started.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const database = await createFreshDatabase(serverUrl, `bench_${stamp}`);
  if (!config.keepDatabase) cleanups.push(() => database.drop());
  log(`postgresql: fresh database ${database.name}`);
  const pgDataDir = join(scratch, 'postgresql');
  const main = await startPlatformProcess(
    'platform (postgresql)',
    'postgresql',
    { ports, databaseUrl: database.url, dataDir: pgDataDir },
    serviceEnv({ DATABASE_URL: database.url }),
  );

  const body = await productList(main.gatewayUrl);
  const bodyFile = join(scratch, 'products.json');
  writeFileSync(bodyFile, JSON.stringify(body));
  const bare = await startHelper<{ port: number }>(join(here, 'bare-server.main.js'), [bodyFile]);
  cleanups.push(() => bare.stop());
  const context: BenchContext = {
    config,
    repoRoot,
    log,
    bareUrl: `http://127.0.0.1:${bare.announced.port}/api/catalog/products`,
  };

  await new Promise((done) => setTimeout(done, 2_000));
  const storage: StorageResults = { storage: 'postgresql', idleResidentMiB: idleResident(main) };
  results.storages.push(storage);

  let httpGatewayUrl: string | undefined;
  if (has('http')) {
    // the same catalog and gateway as the platform's, built from their packages, with the read path between them
    // over HTTP/1.1 JSON (benchmark code only: see bench/README.md)
    const catalogHttp = await startHelper<{ port: number }>(join(here, 'catalog-http.main.js'), [], {
      env: serviceEnv({
        DATABASE_URL: main.databaseUrls.catalog ?? main.databaseUrl,
        SEED_DEMO_DATA: 'false',
        JWKS_URL: `http://127.0.0.1:${ports.auth}/.well-known/jwks.json`,
      }),
    });
    cleanups.push(() => catalogHttp.stop());
    const gatewayHttp = await startHelper<{ port: number }>(
      join(here, 'gateway-http.main.js'),
      [`http://127.0.0.1:${catalogHttp.announced.port}`],
      {
        env: serviceEnv({
          AUTH_URL: `http://127.0.0.1:${ports.auth}`,
          ORDERS_ADDR: `127.0.0.1:${ports.ordersGrpc}`,
          JWKS_URL: `http://127.0.0.1:${ports.auth}/.well-known/jwks.json`,
        }),
      },
    );
    cleanups.push(() => gatewayHttp.stop());
    httpGatewayUrl = `http://127.0.0.1:${gatewayHttp.announced.port}`;
    log(`gateway over HTTP/1.1: ready at ${httpGatewayUrl}`);
  }
  if (has('read') || has('http')) {
    log('scenario 1/2: public read path against a bare fastify server');
    // the same path with the gateway's copy off: a gRPC hop to catalog (from its memory) on every read
    const hop = (await startPlatformProcess(
      'platform with a hop per read (postgresql)',
      'postgresql',
      { ports: offsetPorts(config.portOffset + 400), databaseUrl: database.url, dataDir: join(scratch, 'hop') },
      serviceEnv({ DATABASE_URL: database.url, PRODUCT_LIST_COPY: 'false', SEED_DEMO_DATA: 'false' }),
    )) as RunningPlatform & { stop(): Promise<void> };
    storage.readPath = await measureReadPath(context, main, { hopGatewayUrl: hop.gatewayUrl, httpGatewayUrl });
    await hop.stop();
  }
  if (has('uncached')) {
    log('scenario 8: the read path with catalog uncached against fastify + pg running the same query');
    const queryServer = await startHelper<{ port: number }>(join(here, 'query-server.main.js'), [], {
      env: { ...process.env, DATABASE_URL: main.databaseUrls.catalog ?? main.databaseUrl },
    });
    cleanups.push(() => queryServer.stop());
    const uncached = (await startPlatformProcess(
      'platform with catalog uncached (postgresql)',
      'postgresql',
      { ports: offsetPorts(config.portOffset + 300), databaseUrl: database.url, dataDir: join(scratch, 'uncached') },
      serviceEnv({ DATABASE_URL: database.url, PRODUCT_CACHE: 'false', SEED_DEMO_DATA: 'false' }),
    )) as RunningPlatform & { stop(): Promise<void> };
    storage.uncachedRead = await measureUncachedRead(
      context,
      uncached.gatewayUrl,
      `http://127.0.0.1:${queryServer.announced.port}`,
    );
    await uncached.stop();
    await queryServer.stop();
  }
  if (has('auth')) {
    log('scenario 3: authenticated read against the public read');
    storage.authenticatedRead = await measureAuthenticatedRead(context, main);
  }
  if (has('latency')) {
    // a rate the path sustains on this machine now, unless one is given: past saturation the figure is the queue
    const saturated = storage.readPath?.comparison.subjects[0]?.median.rps;
    const rate = config.fixedRate || sustainableRate(saturated ?? 500);
    log(`scenario 5: latency at ${rate} requests/s`);
    storage.fixedRate = await measureFixedRateLatency(context, main, rate);
  }
  if (has('startup')) {
    log('scenario 6: process start to ready, per service');
    storage.startup = await measureStartups(context, main, pgDataDir);
  }
  if (has('orders')) {
    log('scenario 7: order placement under concurrency');
    storage.orders = await measureOrderPlacement(context, main);
  }
  if (has('tracing')) {
    log('scenario 4: tracing on (100%, OTLP) against tracing off');
    const traced = (await startPlatformProcess(
      'platform with tracing (postgresql)',
      'postgresql',
      { ports: offsetPorts(config.portOffset + 200), databaseUrl: database.url, dataDir: join(scratch, 'traced') },
      serviceEnv({
        DATABASE_URL: database.url,
        OTEL_SDK_DISABLED: 'false',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl,
        OTEL_TRACES_SAMPLER: 'always_on',
      }),
    )) as RunningPlatform & { stop(): Promise<void> };
    storage.tracing = await measureTracing(context, main, traced, receiverUrl);
    await traced.stop();
  }

  // stop everything of the first run, its server included, before the embedded one starts on the same ports
  while (cleanups.length > 0) await cleanups.pop()!().catch(() => {});

  if (config.embedded) {
    const bare2 = await startHelper<{ port: number }>(join(here, 'bare-server.main.js'), [bodyFile]);
    cleanups.push(() => bare2.stop());
    const embeddedContext = { ...context, bareUrl: `http://127.0.0.1:${bare2.announced.port}/api/catalog/products` };
    const embedded = await startPlatformProcess(
      'platform (embedded PostgreSQL, as npm start runs it)',
      'embedded',
      { ports, dataDir: join(scratch, 'embedded') },
      serviceEnv(),
    );
    await new Promise((done) => setTimeout(done, 2_000));
    const embeddedResults: StorageResults = { storage: 'embedded', idleResidentMiB: idleResident(embedded) };
    results.storages.push(embeddedResults);
    if (has('read')) {
      log('embedded, scenario 1: public read path against a bare fastify server');
      embeddedResults.readPath = await measureReadPath(embeddedContext, embedded);
    }
    if (has('auth')) {
      log('embedded, scenario 3: authenticated read against the public read');
      embeddedResults.authenticatedRead = await measureAuthenticatedRead(embeddedContext, embedded);
    }
    if (has('orders')) {
      log('embedded, scenario 7: order placement under concurrency');
      embeddedResults.orders = await measureOrderPlacement(embeddedContext, embedded);
    }
  }

  results.durationSeconds = Math.round((Date.now() - started.getTime()) / 1000);
  const written = writeReport(results, repoRoot);
  log(`\nwrote ${written.json} and ${written.markdown} (${results.durationSeconds} s)`);
}

// Ctrl-C or a SIGTERM stops every helper and platform the run started, not only the run itself
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`\n${signal}: stopping what the run started`);
    void (async () => {
      while (cleanups.length > 0) await cleanups.pop()!().catch(() => {});
      rmSync(scratch, { recursive: true, force: true });
      process.exit(130);
    })();
  });
}

try {
  await main();
} finally {
  while (cleanups.length > 0) await cleanups.pop()!().catch(() => {});
  rmSync(scratch, { recursive: true, force: true });
}
