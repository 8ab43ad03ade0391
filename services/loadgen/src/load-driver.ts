// Runs the simulated shoppers and stops them: at stop, no shopper starts anything new, requests in flight get until
// the grace period ends to finish, and whatever is still open then is abandoned, so stopping always ends in time.
import { createBackoff } from './backoff.js';
import type { Config } from './config.js';
import { createGatewayApi } from './gateway-api.js';
import type { LoadgenMetrics } from './loadgen.metrics.js';
import { createPacer } from './pacer.js';
import { createRetryGate } from './retry-gate.js';
import { createShopper } from './shopper.js';

export type DriverConfig = Pick<
  Config,
  | 'GATEWAY_URL'
  | 'LOADGEN_USERS'
  | 'LOADGEN_RATE'
  | 'mix'
  | 'LOADGEN_REQUEST_TIMEOUT_MS'
  | 'LOADGEN_MAX_BACKOFF_MS'
  | 'LOADGEN_MAX_OPEN_ORDERS'
>;

export interface LoadDriver {
  start(): void;
  /** Stops the shoppers; resolves once every one has ended, at most graceMs (plus a moment) from now. */
  stop(graceMs: number): Promise<{ abandoned: boolean }>;
  readonly running: boolean;
}

export function createLoadDriver(
  config: DriverConfig,
  metrics: LoadgenMetrics,
  onError: (error: unknown) => void,
): LoadDriver {
  const stopping = new AbortController();
  const abandoning = new AbortController();
  const gate = createRetryGate({ maxPauseMs: config.LOADGEN_MAX_BACKOFF_MS });
  const api = createGatewayApi({
    baseUrl: config.GATEWAY_URL,
    timeoutMs: config.LOADGEN_REQUEST_TIMEOUT_MS,
    metrics,
    gate,
    abandon: abandoning.signal,
  });
  const pacer = createPacer({ perSecond: config.LOADGEN_RATE });
  let runs: Promise<void>[] = [];

  return {
    start() {
      if (runs.length > 0) return;
      runs = Array.from({ length: config.LOADGEN_USERS }, () => {
        const shopper = createShopper({
          api,
          pacer,
          mix: config.mix,
          backoff: createBackoff({ baseMs: 250, maxMs: config.LOADGEN_MAX_BACKOFF_MS }),
          metrics,
          maxOpenOrders: config.LOADGEN_MAX_OPEN_ORDERS,
        });
        metrics.shoppers.inc();
        return shopper
          .run(stopping.signal)
          .catch(onError)
          .finally(() => metrics.shoppers.dec());
      });
    },
    async stop(graceMs) {
      stopping.abort(new Error('load generator stopping'));
      let timer: NodeJS.Timeout | undefined;
      const finished = Promise.all(runs).then(() => false);
      const late = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), graceMs);
      });
      const abandoned = await Promise.race([finished, late]);
      clearTimeout(timer);
      if (abandoned) {
        abandoning.abort(new Error('shutdown deadline: requests abandoned'));
        await finished;
      }
      return { abandoned };
    },
    get running() {
      return runs.length > 0 && !stopping.signal.aborted;
    },
  };
}
