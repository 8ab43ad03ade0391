// Retry-After, honoured by everyone: when the gateway answers 429 or 503 with Retry-After, no shopper sends another
// request until that time has passed (the gateway limits per client address, and every shopper shares this one).

export interface RetryGateOptions {
  /** The longest pause one answer can impose, so a wrong header cannot stop the load for hours. */
  maxPauseMs: number;
  now?: () => number;
}

export interface RetryGate {
  /** Closes the gate for `seconds` (never shortening a longer pause already in force); returns the pause in ms. */
  pauseFor(seconds: number): number;
  /** How long a request must still wait, in ms (0 when the gate is open). */
  waitMs(): number;
}

export function createRetryGate({ maxPauseMs, now = Date.now }: RetryGateOptions): RetryGate {
  let openAt = 0;
  return {
    pauseFor(seconds) {
      const pauseMs = Math.min(Math.max(0, seconds * 1000), maxPauseMs);
      openAt = Math.max(openAt, now() + pauseMs);
      return pauseMs;
    },
    waitMs: () => Math.max(0, openAt - now()),
  };
}

/** Retry-After as seconds from now: delta-seconds or an HTTP date (RFC 9110 section 10.2.3); undefined if absent. */
export function retryAfterSeconds(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}
