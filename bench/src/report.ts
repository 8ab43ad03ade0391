// Writes a run's results: the whole record as bench/results/<date>.json, and the tables between the result markers
// of BENCHMARKS.md (the text around them is written by hand and kept).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ComparisonResult, ContenderResult } from './comparison.js';
import type { BenchConfig } from './config.js';
import type { Machine } from './machine.js';
import type { AuthenticatedReadResult } from './scenarios/authenticated-read.js';
import type { FixedRateResult } from './scenarios/fixed-rate-latency.js';
import type { OrderPlacementResult } from './scenarios/order-placement.js';
import { GATEWAY_ALONE, GATEWAY_HOP, GATEWAY_HTTP, type ReadPathResult } from './scenarios/read-path.js';
import type { StartupResult } from './scenarios/startup.js';
import type { TracingResult } from './scenarios/tracing.js';
import type { UncachedReadResult } from './scenarios/uncached-read.js';

export interface StorageResults {
  storage: string;
  idleResidentMiB: Record<string, number>;
  readPath?: ReadPathResult;
  uncachedRead?: UncachedReadResult;
  authenticatedRead?: AuthenticatedReadResult;
  tracing?: TracingResult;
  fixedRate?: FixedRateResult;
  startup?: StartupResult;
  orders?: OrderPlacementResult;
}

export interface BenchResults {
  date: string;
  machine: Machine;
  config: Omit<BenchConfig, 'scenarios' | 'databaseUrl'> & { scenarios: string[]; databaseUrl: string };
  storages: StorageResults[];
  durationSeconds: number;
}

export const GOALS = {
  uncachedReadRatio: 0.6,
  readRatio: 0.35,
  readRatioStretch: 0.5,
  authenticatedRatio: 0.9,
  tracingRatio: 0.6,
  addedP90Ms: 1,
  addedP99Ms: 2,
  readyMs: 1_000,
  idleTotalMiB: 400,
  embeddedOrdersRatio: 0.8,
} as const;

export const SERVICE_NAMES = ['auth', 'catalog', 'orders', 'gateway'] as const;
const START = '<!-- results:start (written by npm run bench) -->';
const END = '<!-- results:end -->';

export function writeReport(results: BenchResults, repoRoot: string): { json: string; markdown: string } {
  const dir = join(repoRoot, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `${results.date.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}.json`);
  writeFileSync(json, `${JSON.stringify(results, null, 2)}\n`);

  const markdown = join(repoRoot, 'BENCHMARKS.md');
  const tables = `${START}\n${renderResults(results, json.slice(repoRoot.length + 1))}\n${END}`;
  const existing = existsSync(markdown) ? readFileSync(markdown, 'utf8') : '';
  const at = existing.indexOf(START);
  const end = existing.indexOf(END);
  const next =
    at >= 0 && end > at
      ? existing.slice(0, at) + tables + existing.slice(end + END.length)
      : `# Benchmarks\n\n${tables}\n`;
  writeFileSync(markdown, next);
  return { json, markdown };
}

const met = (ok: boolean | undefined) => (ok === undefined ? 'n/a' : ok ? '**met**' : '**not met**');
const num = (value: number | undefined, digits = 2) =>
  value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits);
const range = (r: [number, number]) => `${num(r[0])}-${num(r[1])}`;

function row(contender: ContenderResult, ratio: string, spread: string, goal: string): string {
  const m = contender.median;
  const failures = contender.failures > 0 ? ` (${contender.failures} failed)` : '';
  return `| ${contender.name}${failures} | ${num(m.rps, 0)} | ${ratio} | ${spread} | ${num(m.p50)} | ${num(m.p90)} | ${num(m.p99)} | ${goal} |`;
}

function comparisonTable(comparison: ComparisonResult, goals: (string | undefined)[]): string {
  const lines = [
    '| contender | req/s | ratio | ratio per round | p50 ms | p90 ms | p99 ms | goal |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    row(comparison.baseline, '1 (baseline)', '', ''),
    ...comparison.subjects.map((s, i) => row(s, num(s.ratio), range(s.ratioRange), goals[i] ?? '')),
  ];
  return lines.join('\n');
}

export function renderResults(results: BenchResults, jsonPath: string): string {
  const { machine, config } = results;
  const out: string[] = [];
  out.push(
    `Run of ${results.date.slice(0, 16).replace('T', ' ')} UTC, ${results.durationSeconds} s; raw figures in \`${jsonPath}\`.`,
    '',
    `Machine: ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, ${machine.os ?? machine.platform}, Node ${machine.node}, ${machine.platform}; ` +
      `1-minute load average ${machine.loadAverageAtStart} at the start${machine.loadAverageAtStart > machine.cores ? ' (the machine was shared with other work: expect noise)' : ''}.`,
    '',
    `Load: autocannon on loopback (scenario 5: evenly spaced requests), pipelining 1, ${config.connections} connections, ${config.warmupSeconds} s warm-up per contender, ` +
      `${config.rounds} rounds of ${config.durationSeconds} s alternating with the baseline (order rotating), medians of the rounds.`,
  );
  out.push('', ...goalsTable(results));
  for (const s of results.storages) {
    out.push(
      '',
      `### ${s.storage === 'postgresql' ? 'PostgreSQL, one database for every service' : 'Embedded PostgreSQL as npm start runs it'}`,
    );
    if (s.readPath) {
      const subjects = s.readPath.comparison.subjects;
      const grpc = subjects.find((subject) => subject.name === GATEWAY_HOP);
      const goals = subjects.map((subject, i) =>
        i === 0
          ? `>= ${GOALS.readRatio} ${met(subject.ratio >= GOALS.readRatio)}, stretch ${GOALS.readRatioStretch} ${met(subject.ratio >= GOALS.readRatioStretch)}`
          : subject.name === GATEWAY_ALONE
            ? 'the ceiling of a read with no hop'
            : subject.name === GATEWAY_HTTP && grpc
              ? `HTTP/gRPC = ${num(subject.ratio / grpc.ratio)}`
              : '',
      );
      out.push(
        '',
        `**1${subjects.some((c) => c.name === GATEWAY_HTTP) ? ' and 2' : ''}. Public read \`GET /api/catalog/products\` against a bare fastify server with the same body**`,
        '',
        comparisonTable(s.readPath.comparison, goals),
      );
    }
    if (s.uncachedRead) {
      const subject = s.uncachedRead.comparison.subjects[0]!;
      out.push(
        '',
        "**8. The read path with catalog's product cache off (`PRODUCT_CACHE=false`, one query per read) against a minimal fastify + pg server running the same query**",
        '',
        comparisonTable(s.uncachedRead.comparison, [
          `>= ${GOALS.uncachedReadRatio} ${met(subject.ratio >= GOALS.uncachedReadRatio)}`,
        ]),
      );
    }
    if (s.authenticatedRead) {
      const subject = s.authenticatedRead.comparison.subjects[0]!;
      out.push(
        '',
        `**3. Authenticated \`GET /api/orders\` (user with ${s.authenticatedRead.ordersOfUser} orders; token checked by gateway and orders) against the public read**`,
        '',
        comparisonTable(s.authenticatedRead.comparison, [
          `>= ${GOALS.authenticatedRatio} ${met(subject.ratio >= GOALS.authenticatedRatio)}`,
        ]),
      );
    }
    if (s.tracing) {
      const subject = s.tracing.comparison.subjects[0]!;
      out.push(
        '',
        `**4. Tracing on (100% sampling, OTLP/HTTP to a local receiver: ${s.tracing.received.exports} exports, ${Math.round(s.tracing.received.bytes / 1024)} KiB) against \`OTEL_SDK_DISABLED=true\`, on path 1**`,
        '',
        comparisonTable(s.tracing.comparison, [`>= ${GOALS.tracingRatio} ${met(subject.ratio >= GOALS.tracingRatio)}`]),
      );
    }
    if (s.fixedRate) {
      const f = s.fixedRate;
      const subject = f.comparison.subjects[0]!;
      out.push(
        '',
        `**5. Latency at a fixed ${f.rate} requests/s over ${config.fixedRateConnections} connections: path 1 minus the bare server**`,
        '',
        comparisonTable(f.comparison, [`achieved ${num(subject.median.rps, 0)}/${f.rate} req/s`]),
        '',
        `Added at p90: **${num(f.addedP90Ms)} ms** (goal <= ${GOALS.addedP90Ms} ms: ${met(f.addedP90Ms <= GOALS.addedP90Ms)}); ` +
          `added at p99: **${num(f.addedP99Ms)} ms** (goal <= ${GOALS.addedP99Ms} ms: ${met(f.addedP99Ms <= GOALS.addedP99Ms)}).`,
      );
    }
    const idleTotal = SERVICE_NAMES.reduce((sum, name) => sum + (s.idleResidentMiB[name] ?? 0), 0);
    out.push(
      '',
      `**6. Per service: start to ready, resident memory idle and under the load of path 1**`,
      '',
      '| service | ready after start (median; samples) ms | goal < 1000 ms | RSS idle MiB | RSS peak under load MiB |',
      '| --- | ---: | --- | ---: | ---: |',
    );
    for (const name of [...SERVICE_NAMES, 'launcher']) {
      const startup = s.startup?.services[name];
      out.push(
        `| ${name}${name === 'launcher' ? ' (supervisor only)' : ''} | ` +
          `${startup ? `${num(startup.medianReadyMs, 0)} (${startup.readyMs.join(', ')})` : ''} | ` +
          `${startup ? met(startup.medianReadyMs < GOALS.readyMs) : ''} | ${num(s.idleResidentMiB[name], 1)} | ` +
          `${num(s.readPath?.peakResidentMiB[name], 1)} |`,
      );
    }
    out.push(
      `| **four services** | | | **${num(idleTotal, 1)}** (goal < ${GOALS.idleTotalMiB}: ${met(idleTotal < GOALS.idleTotalMiB)}) | |`,
    );
    if (s.orders) {
      const o = s.orders;
      const e = o.exhaustion;
      out.push(
        '',
        `**7. Order placement: ${o.users} users ordering the same product at once** (\`POST /api/orders\`, 1-3 items each; baseline the public read of the same platform)`,
        '',
        comparisonTable(o.comparison, [`**${num(o.ordersPerSecond, 0)} orders/s**`]),
        '',
        `Running a product of stock ${e.initialStock} out: ${e.confirmedOrders} orders confirmed (${e.confirmedQuantityFromAnswers} items by the answers, ` +
          `${e.confirmedQuantityInOrdersTables} in the orders tables, ${e.reservedQuantityInCatalog} in the catalog's reservations), ${e.refusedWith409} refused with 409, ${e.otherFailures} other failures; ` +
          `final stock ${e.finalStock}, lowest of ${e.stockSamples} samples ${e.lowestStockSeen}: ` +
          `${e.consistent ? '**consistent** (never negative; final = initial - confirmed)' : '**INCONSISTENT**'}.`,
      );
    }
  }
  return out.join('\n');
}

/** Every goal of issue 16 in one table: the figure, its goal, met or not, from this run (n/a: not measured). */
export function goalsTable(results: BenchResults): string[] {
  const real = results.storages.find((s) => s.storage === 'postgresql');
  const embedded = results.storages.find((s) => s.storage === 'embedded');
  const ratio = (c: ComparisonResult | undefined) => c?.subjects[0]?.ratio;
  const uncached = ratio(real?.uncachedRead?.comparison);
  const cached = ratio(real?.readPath?.comparison);
  const authenticated = ratio(real?.authenticatedRead?.comparison);
  const fixed = real?.fixedRate;
  const ready = real?.startup ? SERVICE_NAMES.map((name) => real.startup?.services[name]?.medianReadyMs) : undefined;
  const slowest = ready?.every((ms) => ms !== undefined) ? Math.max(...(ready as number[])) : undefined;
  const idle = real ? SERVICE_NAMES.reduce((sum, name) => sum + (real.idleResidentMiB[name] ?? 0), 0) : undefined;
  const ordersRatio =
    real?.orders && embedded?.orders ? embedded.orders.ordersPerSecond / real.orders.ordersPerSecond : undefined;
  const check = (value: number | undefined, ok: (v: number) => boolean) =>
    value === undefined || !Number.isFinite(value) ? 'n/a' : met(ok(value));
  return [
    '**Goals of issue 16** (real PostgreSQL unless said; each ratio from alternating rounds of this run)',
    '',
    '| goal | figure | met |',
    '| --- | ---: | --- |',
    `| uncached read path >= ${GOALS.uncachedReadRatio} of fastify + pg running the same query (8) | ${num(uncached)} | ${check(uncached, (v) => v >= GOALS.uncachedReadRatio)} |`,
    `| cached public read >= ${GOALS.readRatio} of bare fastify, stretch ${GOALS.readRatioStretch} (1) | ${num(cached)} | ${check(cached, (v) => v >= GOALS.readRatio)}, stretch ${check(cached, (v) => v >= GOALS.readRatioStretch)} |`,
    `| authenticated read >= ${GOALS.authenticatedRatio} of the public read (3) | ${num(authenticated)} | ${check(authenticated, (v) => v >= GOALS.authenticatedRatio)} |`,
    `| added latency at ${fixed ? `${fixed.rate} req/s` : 'a fixed rate'}: p90 <= +${GOALS.addedP90Ms} ms, p99 <= +${GOALS.addedP99Ms} ms (5) | ${fixed ? `+${num(fixed.addedP90Ms)} / +${num(fixed.addedP99Ms)} ms` : 'n/a'} | ${fixed ? met(fixed.addedP90Ms <= GOALS.addedP90Ms && fixed.addedP99Ms <= GOALS.addedP99Ms) : 'n/a'} |`,
    `| each service ready < ${GOALS.readyMs} ms (6, slowest median) | ${slowest === undefined ? 'n/a' : `${num(slowest, 0)} ms`} | ${check(slowest, (v) => v < GOALS.readyMs)} |`,
    `| the four services < ${GOALS.idleTotalMiB} MiB idle (6) | ${idle === undefined ? 'n/a' : `${num(idle, 1)} MiB`} | ${check(idle, (v) => v < GOALS.idleTotalMiB)} |`,
    `| orders/s on the embedded server >= ${GOALS.embeddedOrdersRatio} of a separate PostgreSQL (7) | ${num(ordersRatio)}${real?.orders && embedded?.orders ? ` (${num(embedded.orders.ordersPerSecond, 0)} / ${num(real.orders.ordersPerSecond, 0)})` : ''} | ${check(ordersRatio, (v) => v >= GOALS.embeddedOrdersRatio)} |`,
  ];
}
