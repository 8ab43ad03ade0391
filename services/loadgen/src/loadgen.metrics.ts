// The load generator's own metrics, in the service's registry beside service-kit's process and ops-route metrics:
// requests by kind and outcome, their latency, and how much the shoppers held back.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export const REQUEST_KINDS = [
  'register',
  'login',
  'refresh',
  'logout',
  'list_products',
  'get_product',
  'place_order',
  'list_orders',
  'cancel_order',
] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/** ok: 2xx; client_error: other 4xx (409 out of stock among them); the rest say why nothing useful came back. */
export type Outcome =
  | 'ok'
  | 'client_error'
  | 'rate_limited'
  | 'unavailable'
  | 'server_error'
  | 'timeout'
  | 'network_error'
  | 'abandoned';

export interface LoadgenMetrics {
  request(kind: RequestKind, outcome: Outcome, seconds: number): void;
  retryAfterWait(seconds: number): void;
  backoff(seconds: number): void;
  shoppers: Gauge;
}

export function createLoadgenMetrics(registry: Registry): LoadgenMetrics {
  const requests = new Counter({
    name: 'loadgen_requests_total',
    help: 'Requests the simulated shoppers sent, by kind and outcome.',
    labelNames: ['kind', 'outcome'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'loadgen_request_duration_seconds',
    help: 'Latency of the simulated shoppers’ requests as a client sees it, by kind and outcome.',
    labelNames: ['kind', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const retryAfterWaits = new Counter({
    name: 'loadgen_retry_after_waits_total',
    help: 'Pauses every shopper took because the gateway answered 429 or 503 with Retry-After.',
    registers: [registry],
  });
  const retryAfterSeconds = new Counter({
    name: 'loadgen_retry_after_seconds_total',
    help: 'Seconds of those pauses.',
    registers: [registry],
  });
  const backoffs = new Counter({
    name: 'loadgen_backoff_seconds_total',
    help: 'Seconds shoppers backed off after errors that came without Retry-After.',
    registers: [registry],
  });
  const shoppers = new Gauge({
    name: 'loadgen_shoppers',
    help: 'Simulated shoppers running.',
    registers: [registry],
  });
  // every kind shows from the first scrape, so a dashboard's rate() has a series before the first request
  for (const kind of REQUEST_KINDS) requests.inc({ kind, outcome: 'ok' }, 0);
  return {
    request(kind, outcome, seconds) {
      requests.inc({ kind, outcome });
      duration.observe({ kind, outcome }, seconds);
    },
    retryAfterWait(seconds) {
      retryAfterWaits.inc();
      retryAfterSeconds.inc(seconds);
    },
    backoff(seconds) {
      backoffs.inc(seconds);
    },
    shoppers,
  };
}
