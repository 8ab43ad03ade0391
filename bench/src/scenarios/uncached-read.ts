// Scenario 8: the public read path with catalog's product cache off (PRODUCT_CACHE=false: one query per read)
// against a minimal fastify + pg server that runs the same query on the same database (query-server.main.ts):
// what the hops cost next to the work behind them.
import { type BenchContext, PRODUCTS_PATH, throughputOptions } from '../bench-context.js';
import { type ComparisonResult, compare } from '../comparison.js';

export interface UncachedReadResult {
  comparison: ComparisonResult;
}

export async function measureUncachedRead(
  context: BenchContext,
  uncachedGatewayUrl: string,
  queryServerUrl: string,
): Promise<UncachedReadResult> {
  const comparison = await compare(
    { name: 'fastify + pg (the same query)', target: { url: queryServerUrl + PRODUCTS_PATH } },
    [{ name: 'gateway (gRPC), catalog uncached', target: { url: uncachedGatewayUrl + PRODUCTS_PATH } }],
    throughputOptions(context),
  );
  return { comparison };
}
