// Backing off after errors without a Retry-After (a 5xx, a timeout, no answer): exponential with full jitter, so
// shoppers that failed together do not come back together; one success resets it.

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  random?: () => number;
}

export interface Backoff {
  /** The pause before the next attempt after one more failure. */
  next(): number;
  reset(): void;
  readonly consecutiveFailures: number;
}

export function createBackoff({ baseMs, maxMs, random = Math.random }: BackoffOptions): Backoff {
  let failures = 0;
  return {
    next() {
      failures++;
      const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(failures - 1, 30));
      return Math.round(random() * ceiling);
    },
    reset() {
      failures = 0;
    },
    get consecutiveFailures() {
      return failures;
    },
  };
}
