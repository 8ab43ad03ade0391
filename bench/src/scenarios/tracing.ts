// Scenario 4: the read path with tracing on (100% sampling, spans exported over OTLP/HTTP to a local receiver)
// against the same path with the SDK off, each on its own platform over the same database.
import { type BenchContext, PRODUCTS_PATH, type RunningPlatform, throughputOptions } from '../bench-context.js';
import { type ComparisonResult, compare } from '../comparison.js';

export interface TracingResult {
  comparison: ComparisonResult;
  /** What the receiver got during the scenario: proof that spans really left the services. */
  received: { exports: number; bytes: number };
}

export async function measureTracing(
  context: BenchContext,
  tracingOff: RunningPlatform,
  tracingOn: RunningPlatform,
  receiverUrl: string,
): Promise<TracingResult> {
  const stats = async () => (await (await fetch(`${receiverUrl}/stats`)).json()) as { exports: number; bytes: number };
  const before = await stats();
  const comparison = await compare(
    { name: 'tracing off', target: { url: tracingOff.gatewayUrl + PRODUCTS_PATH } },
    [{ name: 'tracing on (100%, OTLP)', target: { url: tracingOn.gatewayUrl + PRODUCTS_PATH } }],
    throughputOptions(context),
  );
  // the batch processors flush every 5 s
  await new Promise((resolve) => setTimeout(resolve, 5_500));
  const after = await stats();
  return { comparison, received: { exports: after.exports - before.exports, bytes: after.bytes - before.bytes } };
}
