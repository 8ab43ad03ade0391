// Gives back the stock of holds nobody confirmed in time, every STOCK_HOLD_SWEEP_INTERVAL_MS, so a placement that
// died between reserving and confirming (orders killed, a lost connection) never keeps stock. Safe with replicas:
// each expired hold is taken by one sweeping transaction (SKIP LOCKED), the others pass it by.
import type { Logger } from '@platform/service-kit';
import { StorageUnavailableError } from './products.errors.js';
import type { ProductsService } from './products.service.js';

export interface StockHoldSweeper {
  /** Sweeps at once, then every interval. */
  start(): void;
  /** No new sweep starts; resolves once the one running (if any) has finished. */
  stop(): Promise<void>;
}

export function createStockHoldSweeper({
  products,
  intervalMs,
  logger,
}: {
  products: ProductsService;
  intervalMs: number;
  logger: Logger;
}): StockHoldSweeper {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;

  const sweep = async () => {
    try {
      const expired = await products.expireHolds();
      if (expired > 0) logger.info({ expired }, 'expired stock holds released');
    } catch (error) {
      // the next sweep tries again; an outage is reported by readiness, no need to shout every interval
      if (error instanceof StorageUnavailableError) logger.warn({ err: error }, 'stock hold sweep failed');
      else logger.error({ err: error }, 'stock hold sweep failed');
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = sweep().finally(() => {
        running = undefined;
        schedule();
      });
    }, intervalMs);
  };

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      running = sweep().finally(() => {
        running = undefined;
        schedule();
      });
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
