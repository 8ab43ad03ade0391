// Background work that runs in rounds: at once when started, then again `intervalMs` after each round ends, never
// two rounds at a time; stop() lets the round in progress finish. A failed round is logged and the next one tries
// again: a storage outage only at warn level, since readiness reports it already.
import type { Logger } from 'pino';
import type { BackgroundWork } from './service-app.js';
import { isStorageUnavailable } from './storage-unavailable.js';

export interface PeriodicWorkOptions {
  /** Names it in logs and in the shutdown order. */
  name: string;
  intervalMs: number;
  logger: Logger;
  /** One round. */
  round: () => Promise<void>;
}

export function createPeriodicWork({ name, intervalMs, logger, round }: PeriodicWorkOptions): BackgroundWork {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;

  const run = () => {
    running = round()
      .catch((error: unknown) => {
        logger[isStorageUnavailable(error) ? 'warn' : 'error']({ err: error, work: name }, `${name}: round failed`);
      })
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(run, intervalMs);
      });
  };

  return {
    name,
    start() {
      if (!stopped) return;
      stopped = false;
      run();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
