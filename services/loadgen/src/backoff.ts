// Backing off after errors without a Retry-After (a 5xx, a timeout, no answer): exponential with full jitter, so
// shoppers that failed together do not come back together; one success resets it.

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  random?: () => number;
}

export class Backoff {
  private failures = 0;

  constructor(private readonly options: BackoffOptions) {}

  /** The pause before the next attempt after one more failure. */
  next(): number {
    this.failures++;
    const ceiling = Math.min(this.options.maxMs, this.options.baseMs * 2 ** Math.min(this.failures - 1, 30));
    return Math.round((this.options.random ?? Math.random)() * ceiling);
  }

  reset(): void {
    this.failures = 0;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }
}
