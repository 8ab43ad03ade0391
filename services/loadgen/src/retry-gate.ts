// Retry-After, honoured by everyone: when the gateway answers 429 or 503 with Retry-After, no shopper sends another
// request until that time has passed (the gateway limits per client address, and every shopper shares this one).

export interface RetryGateOptions {
  /** The longest pause one answer can impose, so a wrong header cannot stop the load for hours. */
  maxPauseMs: number;
  now?: () => number;
}

export class RetryGate {
  private openAt = 0;

  constructor(private readonly options: RetryGateOptions) {}

  /** Closes the gate for `seconds` (never shortening a longer pause already in force); returns the pause in ms. */
  pauseFor(seconds: number): number {
    const pauseMs = Math.min(Math.max(0, seconds * 1000), this.options.maxPauseMs);
    this.openAt = Math.max(this.openAt, this.now() + pauseMs);
    return pauseMs;
  }

  /** How long a request must still wait, in ms (0 when the gate is open). */
  waitMs(): number {
    return Math.max(0, this.openAt - this.now());
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}

/** Retry-After as seconds from now: delta-seconds or an HTTP date (RFC 9110 section 10.2.3); undefined if absent. */
export function retryAfterSeconds(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}
