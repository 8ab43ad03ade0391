// The shoppers' way to the gateway's public API: every request waits while a Retry-After pause is in force, has a
// deadline, is counted by kind and outcome with its latency, and never throws for an answer: the shopper decides
// what an outcome means. In-flight requests end at once when the load is stopped for good.
import type { LoadgenMetrics, Outcome, RequestKind } from './loadgen.metrics.js';
import { abortableSleep } from './pacer.js';
import { type RetryGate, retryAfterSeconds } from './retry-gate.js';

export interface ApiResult<T = unknown> {
  outcome: Outcome;
  /** 0 when no answer came. */
  status: number;
  body: T | undefined;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface GatewayApiOptions {
  baseUrl: string;
  timeoutMs: number;
  metrics: LoadgenMetrics;
  gate: RetryGate;
  /** Aborted when in-flight requests must be abandoned (the shutdown deadline is near). */
  abandon: AbortSignal;
}

export interface GatewayApi {
  /**
   * Sends one request once the Retry-After gate is open. `stop` aborts the wait for the gate (a stopping shopper
   * starts nothing new); it rejects only then.
   */
  call<T>(
    kind: RequestKind,
    method: 'GET' | 'POST',
    path: string,
    stop: AbortSignal,
    options?: CallOptions,
  ): Promise<ApiResult<T>>;
}

export function createGatewayApi({ baseUrl, timeoutMs, metrics, gate, abandon }: GatewayApiOptions): GatewayApi {
  return {
    async call<T>(
      kind: RequestKind,
      method: 'GET' | 'POST',
      path: string,
      stop: AbortSignal,
      { token, body, headers = {} }: CallOptions = {},
    ): Promise<ApiResult<T>> {
      for (let wait = gate.waitMs(); wait > 0; wait = gate.waitMs()) await abortableSleep(wait, stop);
      stop.throwIfAborted();

      const started = performance.now();
      let outcome: Outcome;
      let status = 0;
      let parsed: T | undefined;
      try {
        const response = await fetch(baseUrl + path, {
          method,
          headers: {
            accept: 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...headers,
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), abandon]),
        });
        status = response.status;
        const text = await response.text();
        parsed = text && response.ok ? (JSON.parse(text) as T) : undefined;
        outcome = outcomeOf(status);
        if (status === 429 || status === 503) {
          const seconds = retryAfterSeconds(response.headers.get('retry-after'));
          if (seconds !== undefined) metrics.retryAfterWait(gate.pauseFor(seconds) / 1000);
        }
      } catch (error) {
        outcome = abandon.aborted
          ? 'abandoned'
          : (error as Error).name === 'TimeoutError'
            ? 'timeout'
            : 'network_error';
      }
      metrics.request(kind, outcome, (performance.now() - started) / 1000);
      return { outcome, status, body: parsed };
    },
  };
}

function outcomeOf(status: number): Outcome {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 429) return 'rate_limited';
  if (status === 503) return 'unavailable';
  if (status >= 500) return 'server_error';
  return 'client_error';
}
