// One round of load with autocannon: fixed connections, pipelining 1, as fast as the target answers (a fixed rate
// goes to the paced driver). Latencies are taken from every 2xx response at sub-millisecond resolution
// (autocannon's own histogram keeps whole ms).
import autocannon from 'autocannon';
import { runPacedRound } from './paced-load.js';
import { percentile } from './statistics.js';

export interface LoadTarget {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Per-connection request set-up (e.g. a different user per connection). */
  setupRequest?: autocannon.Request['setupRequest'];
  onResponse?: autocannon.Request['onResponse'];
}

export interface LoadOptions {
  connections: number;
  durationSeconds: number;
  /** Requests per second over all connections, evenly spaced (paced-load.ts); unset = as fast as it answers. */
  overallRate?: number;
}

export interface RoundResult {
  /** 2xx responses per second. */
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  /** Responses that were not 2xx, plus errors and timeouts: a round with any is suspect. */
  failures: number;
  requests: number;
  statusCodes: Record<string, number>;
}

export async function runRound(target: LoadTarget, options: LoadOptions): Promise<RoundResult> {
  if (options.overallRate) return runPacedRound(target, { ...options, overallRate: options.overallRate });
  const latencies: number[] = [];
  let instance!: autocannon.Instance;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: target.url,
        connections: options.connections,
        pipelining: 1,
        duration: options.durationSeconds,
        timeout: 10,
        requests: [
          {
            method: target.method ?? 'GET',
            ...(target.headers ? { headers: target.headers } : {}),
            ...(target.body !== undefined ? { body: target.body } : {}),
            ...(target.setupRequest ? { setupRequest: target.setupRequest } : {}),
            ...(target.onResponse ? { onResponse: target.onResponse } : {}),
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
  });
  const result = await done;
  latencies.sort((a, b) => a - b);
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stats?.count ?? 0;
  return {
    rps: latencies.length / (result.duration || options.durationSeconds),
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    failures: result.non2xx + result.errors + result.timeouts,
    requests: result.requests.total,
    statusCodes,
  };
}
