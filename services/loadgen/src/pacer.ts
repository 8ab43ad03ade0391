// The overall pace of the load: LOADGEN_RATE actions per second, shared by every shopper. Each action waits for
// the next free slot, so the rate holds however many shoppers there are (up to what they can do in parallel), and
// slots missed while everyone was busy are not made up in a burst.

export interface PacerOptions {
  perSecond: number;
  now?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export class Pacer {
  private nextSlot = 0;
  private readonly intervalMs: number;

  constructor(private readonly options: PacerOptions) {
    this.intervalMs = 1000 / options.perSecond;
  }

  /** Resolves at this caller's slot; rejects when the signal aborts first. */
  async next(signal: AbortSignal): Promise<void> {
    const now = this.now();
    const slot = Math.max(this.nextSlot, now);
    this.nextSlot = slot + this.intervalMs;
    if (slot > now) await (this.options.sleep ?? abortableSleep)(slot - now, signal);
    signal.throwIfAborted();
  }

  private now(): number {
    return this.options.now?.() ?? performance.now();
  }
}

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
