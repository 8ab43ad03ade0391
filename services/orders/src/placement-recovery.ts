// Every RECOVERY_INTERVAL_MS, settles the orders nobody owns any more: a placement whose process died or whose undo
// failed gets its stock released in the catalog and its row deleted, a cancel left half-way is finished. With the
// orders service's own token, so no end user is needed. Safe with replicas (the repository's SKIP LOCKED and leases).
import type { Logger } from '@platform/service-kit';
import type { OrdersService } from './orders.service.js';

export interface PlacementRecovery {
  /** Recovers at once, then every interval. */
  start(): void;
  /** No new round starts; resolves once the one running (if any) has finished. */
  stop(): Promise<void>;
}

export function createPlacementRecovery({
  service,
  intervalMs,
  logger,
}: {
  service: OrdersService;
  intervalMs: number;
  logger: Logger;
}): PlacementRecovery {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;

  const round = () => {
    running = service
      .recover()
      .then(
        (settled) => {
          if (settled > 0) logger.info({ settled }, 'unfinished orders recovered');
        },
        // the database is down, most likely: the next round tries again, and readiness reports the outage
        (error: unknown) => logger.warn({ err: error }, 'order recovery round failed'),
      )
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(round, intervalMs);
      });
  };

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      round();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
