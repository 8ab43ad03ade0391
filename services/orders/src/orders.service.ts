// The rules of orders: placing (idempotent, all or nothing against the catalog: hold, store, confirm), reading only
// one's own orders, cancelling, and settling whatever a dead or failed placement or cancel left behind, so that no
// stock stays taken for an order that does not stand. The states are explained in README "Order states".
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@platform/service-kit';
import { CatalogError, type ReservedLine, type StockCatalog } from './catalog.client.js';
import {
  CatalogRejectedCallerError,
  CatalogUnavailableError,
  IdempotencyKeyReusedError,
  InsufficientStockError,
  InvalidOrderError,
  OrderAlreadyCancelledError,
  OrderInProgressError,
  OrderNotFoundError,
  PlacementExpiredError,
} from './orders.errors.js';
import { type OrdersRepository, toOrder } from './orders.repository.js';
import type { Caller, Order, OrderItem, OrderLine } from './orders.types.js';
import { type PlaceOrderInput, parsePlaceOrderRequest } from './place-order-request.js';

export interface OrdersServiceOptions {
  repository: OrdersRepository;
  catalog: StockCatalog;
  logger: Logger;
  /**
   * How long a placement, a cancel or an undo owns its row. Longer than a healthy one takes (two catalog calls and
   * a few database statements), so only one whose process died or hung is taken over; one that outlives it simply
   * fails, safely.
   */
  leaseMs: number;
  /** How long a retry waits for a concurrent placement with the same idempotency key before answering ABORTED. */
  pendingWaitMs: number;
  /** First pause between looks at a concurrent placement; it doubles up to 200 ms. */
  pollIntervalMs?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Unsettled rows taken over per round of recovery. */
const RECOVERY_BATCH = 50;

export interface OrdersService {
  placeOrder(caller: Caller, input: PlaceOrderInput): Promise<Order>;
  listOrders(caller: Caller): Promise<Order[]>;
  getOrder(caller: Caller, id: string): Promise<Order>;
  /**
   * confirmed -> cancelling -> (stock released) -> cancelled. The decision is stored first, so a cancel that fails
   * half-way is finished by a repeat or by the recovery loop, never forgotten with its stock still taken.
   */
  cancelOrder(caller: Caller, id: string): Promise<Order>;
  /**
   * Settles rows nobody owns any more (their lease ran out): gives back the stock of placements that never
   * finished and deletes them, finishes cancels. Returns how many it settled. Safe with replicas.
   */
  recover(): Promise<number>;
  /** Waits for compensations still running in the background (at shutdown, before the catalog client closes). */
  drain(): Promise<void>;
}

export function createOrdersService(options: OrdersServiceOptions): OrdersService {
  const { repository, catalog, logger } = options;
  /** Compensations still running after their call was answered; drain() waits for them. */
  const compensations = new Set<Promise<void>>();

  /**
   * pending: hold the stock in the catalog, confirm the hold, then store the order as confirmed, which needs this
   * placement's lease to hold still. Until that last step the order does not stand, and any failure gives the stock
   * back: at once, in the background, or through the recovery loop (which owns the row once the lease ran out).
   */
  async function reserveAndConfirm(orderId: string, lines: OrderLine[]): Promise<Order> {
    let reserved: ReservedLine[];
    try {
      reserved = await catalog.reserveStock(orderId, lines);
    } catch (error) {
      // the catalog refused: nothing is held, so the claim simply goes and a retry starts afresh
      if (error instanceof CatalogError && error.definite) await repository.deletePending(orderId);
      // the hold may or may not have been made: undo it, without keeping the caller waiting
      else undoInBackground(orderId);
      throw toDomainError(error, logger);
    }

    const priced = priceOf(orderId, lines, reserved);
    if (priced instanceof Error) {
      // undone before answering, so the refusal leaves nothing held; what fails here, recovery finishes
      await undoPlacement(orderId, { onlyIfStale: false }).catch((error: unknown) => {
        logger.error({ err: error, orderId }, 'could not undo a refused placement; the recovery loop will');
      });
      throw priced;
    }

    try {
      await catalog.confirmStock(orderId);
    } catch (error) {
      // the hold expired (its stock is back), or the confirmation may or may not have happened: the order cannot
      // stand either way, and releasing gives back a hold or a confirmed reservation alike
      undoInBackground(orderId);
      throw toDomainError(error, logger);
    }

    let order: Order | undefined;
    try {
      order = await repository.confirm(orderId, priced.items, priced.currency);
    } catch (error) {
      // the order may or may not be stored; undoing touches only a row that is still pending
      undoInBackground(orderId);
      throw error;
    }
    if (!order) {
      // the lease ran out first: the recovery loop may own the row and be releasing the stock, or this undo does
      undoInBackground(orderId);
      throw new PlacementExpiredError();
    }
    return order;
  }

  /** Undoes a placement: releases its hold in the catalog and deletes its row; what fails here, recovery retries. */
  async function undoPlacement(orderId: string, { onlyIfStale }: { onlyIfStale: boolean }): Promise<void> {
    if (!(await repository.beginRelease(orderId, { leaseMs: options.leaseMs, onlyIfStale }))) return;
    await releaseOrRetryLater(orderId);
    await repository.finishRelease(orderId);
  }

  function undoInBackground(orderId: string): void {
    inBackground(orderId, 'could not undo a failed placement; the recovery loop will', () =>
      undoPlacement(orderId, { onlyIfStale: false }),
    );
  }

  /** Releases the order's stock; when that fails, leaves the row for the recovery loop's next round and rethrows. */
  async function releaseOrRetryLater(orderId: string): Promise<void> {
    try {
      await catalogCall(() => catalog.releaseStock(orderId));
    } catch (error) {
      await repository.releaseFailed(orderId).catch(() => {});
      throw error;
    }
  }

  function inBackground(orderId: string, failure: string, task: () => Promise<void>): void {
    const running = task()
      .catch((error: unknown) => logger.error({ err: error, orderId }, failure))
      .finally(() => compensations.delete(running));
    compensations.add(running);
  }

  async function catalogCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw toDomainError(error, logger);
    }
  }

  return {
    async placeOrder(caller: Caller, input: PlaceOrderInput) {
      const request = parsePlaceOrderRequest(input);
      const waitUntil = Date.now() + options.pendingWaitMs;
      let pollMs = options.pollIntervalMs ?? 20;
      for (let attempt = 0; ; attempt++) {
        if (attempt > 0 && Date.now() >= waitUntil) throw new OrderInProgressError();
        // the order id is also the catalog reservation id, so a reservation always names the order it is for
        const orderId = randomUUID();
        const claim = await repository.claim({
          id: orderId,
          userId: caller.userId,
          idempotencyKey: request.idempotencyKey,
          fingerprint: request.fingerprint,
          lines: request.lines,
          leaseMs: options.leaseMs,
        });
        if (claim.claimed) return reserveAndConfirm(orderId, request.lines);

        const { existing } = claim;
        if (!existing) continue; // the earlier placement was undone between our insert and our read: claim again
        if (existing.fingerprint !== request.fingerprint) throw new IdempotencyKeyReusedError();
        if (existing.status !== 'pending' && existing.status !== 'releasing') return toOrder(existing);
        if (existing.leaseExpired) {
          // the earlier placement died or hung: undo it here and now rather than leave the retry waiting
          logger.warn({ orderId: existing.id }, 'taking over a placement that did not finish');
          await undoPlacement(existing.id, { onlyIfStale: true });
          continue;
        }
        // backing off keeps a crowd of retries from slowing down the one placement they all wait for
        await sleep(pollMs);
        pollMs = Math.min(pollMs * 2, 200);
      }
    },

    async listOrders(caller: Caller) {
      return repository.listForUser(caller.userId);
    },

    async getOrder(caller: Caller, id: string) {
      // a malformed id is simply not an order of the caller: same answer as for someone else's order
      const order = UUID.test(id) ? await repository.findForUser(caller.userId, id) : undefined;
      if (!order) throw new OrderNotFoundError();
      return toOrder(order);
    },

    async cancelOrder(caller: Caller, id: string) {
      const order = UUID.test(id) ? await repository.findForUser(caller.userId, id) : undefined;
      if (!order) throw new OrderNotFoundError();
      if (order.status === 'cancelled') throw new OrderAlreadyCancelledError();
      // a concurrent cancel may begin it first; finishing it again is harmless (releasing is idempotent)
      if (order.status === 'confirmed') await repository.beginCancel(caller.userId, id, options.leaseMs);
      await releaseOrRetryLater(id);
      const cancelled = await repository.finishCancel(id);
      if (!cancelled) throw new OrderAlreadyCancelledError(); // a concurrent cancel got there first
      return cancelled;
    },

    async recover() {
      let settled = 0;
      for (;;) {
        const stale = await repository.takeStale(RECOVERY_BATCH, options.leaseMs);
        let failed = 0;
        for (const order of stale) {
          try {
            await releaseOrRetryLater(order.id);
            if (order.status === 'releasing') await repository.finishRelease(order.id);
            else await repository.finishCancel(order.id);
            settled++;
            logger.info({ orderId: order.id, was: order.status }, 'recovered an unfinished order');
          } catch (error) {
            failed++;
            logger.warn({ err: error, orderId: order.id }, 'could not recover an unfinished order yet');
          }
        }
        // a failed release is due again at once: leave it to the next round rather than retry it in a tight loop
        if (stale.length < RECOVERY_BATCH || failed > 0) return settled;
      }
    },

    async drain() {
      await Promise.allSettled([...compensations]);
    },
  };
}

/** The order's items priced by the catalog's answer, or the reason they cannot be. */
function priceOf(
  orderId: string,
  lines: readonly OrderLine[],
  reserved: readonly ReservedLine[],
): { items: OrderItem[]; currency: string } | Error {
  const currencies = new Set(reserved.map((line) => line.currency));
  const [currency] = currencies;
  if (currencies.size !== 1 || currency === undefined) {
    return new InvalidOrderError('All items of an order must be priced in one currency');
  }
  const prices = new Map(reserved.map((line) => [line.productId, line.unitPriceCents]));
  const items: OrderItem[] = [];
  for (const line of lines) {
    const unitPriceCents = prices.get(line.productId);
    if (unitPriceCents === undefined)
      return new Error(`catalog reservation ${orderId} lacks product ${line.productId}`);
    items.push({ ...line, unitPriceCents });
  }
  if (!Number.isSafeInteger(items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0))) {
    return new InvalidOrderError('The order total is too large');
  }
  return { items, currency };
}

/** What a catalog failure means for the caller of orders. */
function toDomainError(error: unknown, logger: Logger): unknown {
  if (!(error instanceof CatalogError)) return error;
  switch (error.failure) {
    case 'unknown-product':
      return new InvalidOrderError('An item names a product that does not exist');
    case 'insufficient-stock':
      return new InsufficientStockError('Not enough stock for this order; nothing was reserved');
    case 'invalid-request':
      return new InvalidOrderError('The catalog rejected the items of this order');
    case 'unauthenticated':
      // orders' own credentials were refused: a deployment fault (STOCK_CLIENTS, OAUTH_CLIENTS, keys), not the user's
      logger.error({ err: error }, 'the catalog refused the orders service token');
      return new CatalogRejectedCallerError();
    case 'hold-lost':
      return new PlacementExpiredError();
    case 'no-credentials':
    case 'unavailable':
      return new CatalogUnavailableError(false);
    case 'timeout':
      return new CatalogUnavailableError(true);
    default:
      return error;
  }
}
