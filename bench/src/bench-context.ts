// What every scenario is given: the settings, where things run, and a way to say what it is doing.
import type { PlatformPorts } from '@platform/launcher';
import type { ComparisonOptions } from './comparison.js';
import type { BenchConfig } from './config.js';

export interface RunningPlatform {
  /** postgresql or embedded */
  storage: string;
  gatewayUrl: string;
  databaseUrl: string;
  /** Where each service's tables are: databaseUrl for all, or with the embedded server a database of its own each. */
  databaseUrls: Record<string, string>;
  ports: PlatformPorts;
  /** Service name to process id, as the launcher reported at ready; `launcher` is the launcher's own process. */
  pids: Record<string, number | undefined>;
  /** The environment the services were started with (before the launcher's own additions). */
  env: Record<string, string | undefined>;
}

export interface BenchContext {
  config: BenchConfig;
  repoRoot: string;
  log: (message: string) => void;
  /** The bare fastify server's URL of GET /api/catalog/products. */
  bareUrl: string;
}

export const PRODUCTS_PATH = '/api/catalog/products';

export function throughputOptions(context: BenchContext): ComparisonOptions {
  const { config, log } = context;
  return {
    connections: config.connections,
    durationSeconds: config.durationSeconds,
    rounds: config.rounds,
    warmupSeconds: config.warmupSeconds,
    log,
  };
}
