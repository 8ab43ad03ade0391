// Scenarios 1 and 2: the public read path through the gateway (gRPC to catalog, and optionally the same gateway
// forwarding over HTTP/1.1 JSON) against a bare fastify server answering the same body; resident memory of every
// service is sampled meanwhile (scenario 6, under load). The gateway's own /healthz runs beside them: what the
// gateway costs with no hop behind it, the ceiling of any read it could answer from a copy of its own.
import { type BenchContext, PRODUCTS_PATH, type RunningPlatform, throughputOptions } from '../bench-context.js';
import { type ComparisonResult, type Contender, compare } from '../comparison.js';
import { samplePeakResident } from '../process-memory.js';

/** The contender that measures the gateway alone: a small JSON body it answers itself, no hop. */
export const GATEWAY_ALONE = 'gateway alone (/healthz, no hop)';

export interface ReadPathResult {
  comparison: ComparisonResult;
  /** Peak VmRSS per service (MiB) while the rounds ran. */
  peakResidentMiB: Record<string, number>;
}

export async function measureReadPath(
  context: BenchContext,
  platform: RunningPlatform,
  httpGatewayUrl?: string,
): Promise<ReadPathResult> {
  const subjects: Contender[] = [{ name: 'gateway (gRPC)', target: { url: platform.gatewayUrl + PRODUCTS_PATH } }];
  if (httpGatewayUrl) subjects.push({ name: 'gateway (HTTP/1.1)', target: { url: httpGatewayUrl + PRODUCTS_PATH } });
  subjects.push({ name: GATEWAY_ALONE, target: { url: `${platform.gatewayUrl}/healthz` } });
  const sampler = samplePeakResident(() => platform.pids);
  const comparison = await compare(
    { name: 'bare fastify', target: { url: context.bareUrl } },
    subjects,
    throughputOptions(context),
  );
  const peaks = sampler.stop();
  return { comparison, peakResidentMiB: roundAll(peaks) };
}

export function roundAll(values: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, Math.round(value * 10) / 10]));
}
