// Scenarios 1 and 2: the public read path through the gateway (from its copy of the list, as it runs by default;
// with the copy off, a gRPC hop to catalog per read; and optionally the same gateway forwarding over HTTP/1.1 JSON)
// against a bare fastify server answering the same body; resident memory of every
// service is sampled meanwhile (scenario 6, under load). The gateway's own /healthz runs beside them: what the
// gateway costs with no hop behind it, the ceiling of any read it could answer from a copy of its own.
import { type BenchContext, PRODUCTS_PATH, type RunningPlatform, throughputOptions } from '../bench-context.js';
import { type ComparisonResult, type Contender, compare } from '../comparison.js';
import { samplePeakResident } from '../process-memory.js';

/** The contender that measures the gateway alone: a small JSON body it answers itself, no hop. */
export const GATEWAY_ALONE = 'gateway alone (/healthz, no hop)';
/** The gateway with its copy off (PRODUCT_LIST_COPY=false): a gRPC call to catalog for every read. */
export const GATEWAY_HOP = 'gateway, gRPC hop per read (copy off)';
export const GATEWAY_HTTP = 'gateway, HTTP/1.1 hop per read';

export interface ReadPathResult {
  comparison: ComparisonResult;
  /** Peak VmRSS per service (MiB) while the rounds ran. */
  peakResidentMiB: Record<string, number>;
}

export async function measureReadPath(
  context: BenchContext,
  platform: RunningPlatform,
  { hopGatewayUrl, httpGatewayUrl }: { hopGatewayUrl?: string; httpGatewayUrl?: string | undefined } = {},
): Promise<ReadPathResult> {
  const subjects: Contender[] = [
    { name: 'gateway, from its copy', target: { url: platform.gatewayUrl + PRODUCTS_PATH } },
  ];
  if (hopGatewayUrl) subjects.push({ name: GATEWAY_HOP, target: { url: hopGatewayUrl + PRODUCTS_PATH } });
  if (httpGatewayUrl) subjects.push({ name: GATEWAY_HTTP, target: { url: httpGatewayUrl + PRODUCTS_PATH } });
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
