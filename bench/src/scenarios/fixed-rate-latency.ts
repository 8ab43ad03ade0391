// Scenario 5: latency at a fixed rate (not at saturation): p90 and p99 of the read path minus those of the bare
// server, both offered the same requests per second over the same connections.
import { type BenchContext, PRODUCTS_PATH, type RunningPlatform } from '../bench-context.js';
import { type ComparisonResult, compare } from '../comparison.js';
import { round } from '../statistics.js';

export interface FixedRateResult {
  comparison: ComparisonResult;
  rate: number;
  addedP90Ms: number;
  addedP99Ms: number;
}

/** The rate a path sustains with room to spare: half its saturated throughput, in steps of 50 (at least 50). */
export function sustainableRate(saturatedRps: number): number {
  return Math.max(50, Math.floor(saturatedRps / 2 / 50) * 50);
}

export async function measureFixedRateLatency(
  context: BenchContext,
  platform: RunningPlatform,
  rate: number,
): Promise<FixedRateResult> {
  const { config, log } = context;
  const comparison = await compare(
    { name: 'bare fastify', target: { url: context.bareUrl } },
    [{ name: 'gateway (from its copy)', target: { url: platform.gatewayUrl + PRODUCTS_PATH } }],
    {
      connections: config.fixedRateConnections,
      overallRate: rate,
      durationSeconds: config.durationSeconds,
      rounds: config.rounds,
      warmupSeconds: config.warmupSeconds,
      log,
    },
  );
  const subject = comparison.subjects[0]!;
  return {
    comparison,
    rate,
    addedP90Ms: round(subject.median.p90 - comparison.baseline.median.p90, 3),
    addedP99Ms: round(subject.median.p99 - comparison.baseline.median.p99, 3),
  };
}
