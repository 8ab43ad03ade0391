// Polls a readiness URL until it answers 200: how the launcher knows a service can take traffic.
import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitReadyOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Aborting stops the wait with the signal's reason. */
  signal?: AbortSignal;
}

export class NotReadyError extends Error {
  override name = 'NotReadyError';
}

export async function waitUntilReady(url: string, options: WaitReadyOptions): Promise<void> {
  const { timeoutMs, intervalMs = 200, signal } = options;
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    signal?.throwIfAborted();
    try {
      const requestSignal = AbortSignal.timeout(Math.min(2_000, Math.max(1, deadline - Date.now())));
      const response = await fetch(url, { signal: signal ? AbortSignal.any([signal, requestSignal]) : requestSignal });
      await response.body?.cancel();
      if (response.status === 200) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      signal?.throwIfAborted();
      const cause = (error as { cause?: { code?: string } }).cause;
      last = cause?.code ?? (error as Error).message;
    }
    if (Date.now() + intervalMs > deadline) {
      throw new NotReadyError(`${url} not ready after ${timeoutMs} ms (last: ${last})`);
    }
    await sleep(intervalMs, undefined, signal ? { signal } : undefined);
  }
}
