// The overall pace of the load: LOADGEN_RATE actions per second, shared by every shopper. Each action waits for
// the next free slot, so the rate holds however many shoppers there are (up to what they can do in parallel), and
// slots missed while everyone was busy are not made up in a burst.

export interface PacerOptions {
  perSecond: number;
  now?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface Pacer {
  /** Resolves at this caller's slot; rejects when the signal aborts first. */
  next(signal: AbortSignal): Promise<void>;
}

export function createPacer({ perSecond, now = () => performance.now(), sleep = abortableSleep }: PacerOptions): Pacer {
  const intervalMs = 1000 / perSecond;
  let nextSlot = 0;
  return {
    async next(signal) {
      const at = now();
      const slot = Math.max(nextSlot, at);
      nextSlot = slot + intervalMs;
      if (slot > at) await sleep(slot - at, signal);
      signal.throwIfAborted();
    },
  };
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
