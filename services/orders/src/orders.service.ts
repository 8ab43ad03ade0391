// The rules of orders: placing (idempotent, all-or-nothing against the catalog, compensated when the catalog
// fails mid-way), reading only one's own orders, cancelling. The states are explained in README "Order states".
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@platform/service-kit';
import { CatalogError, type ReservedLine, type StockCatalog } from './catalog.client.js';
import type { Caller, Order, OrderItem, OrderLine } from './order.js';
import {
  CatalogRejectedCallerError,
  CatalogUnavailableError,
  IdempotencyKeyReusedError,
  InsufficientStockError,
  InvalidOrderError,
  OrderAlreadyCancelledError,
  OrderInProgressError,
  OrderNotFoundError,
} from './orders.errors.js';
import { type OrdersRepository, toOrder } from './orders.repository.js';
import { type PlaceOrderInput, parsePlaceOrderRequest } from './place-order-request.js';

export interface OrdersServiceOptions {
  repository: OrdersRepository;
  catalog: StockCatalog;
  logger: Logger;
  /**
   * How long a placement owns its pending order. Longer than any placement can take (catalog deadline plus the
   * database's timeouts), so only an order whose placement died or could not clean up is ever taken over.
   */
  pendingLeaseMs: number;
  /** How long a retry waits for a concurrent placement with the same idempotency key before answering ABORTED. */
  pendingWaitMs: number;
  /** First pause between looks at a concurrent placement; it doubles up to 200 ms. */
  pollIntervalMs?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class OrdersService {
  private readonly repository: OrdersRepository;
  private readonly catalog: StockCatalog;
  private readonly logger: Logger;
  /** Compensations still running after their call was answered; drain() waits for them. */
  private readonly compensations = new Set<Promise<void>>();

  constructor(private readonly options: OrdersServiceOptions) {
    ({ repository: this.repository, catalog: this.catalog, logger: this.logger } = options);
  }

  async placeOrder(caller: Caller, input: PlaceOrderInput): Promise<Order> {
    const request = parsePlaceOrderRequest(input);
    const waitUntil = Date.now() + this.options.pendingWaitMs;
    let pollMs = this.options.pollIntervalMs ?? 20;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0 && Date.now() >= waitUntil) throw new OrderInProgressError();
      // the order id is also the catalog reservation id, so a reservation always names the order it is for
      const orderId = randomUUID();
      const claim = await this.repository.claim({
        id: orderId,
        userId: caller.userId,
        idempotencyKey: request.idempotencyKey,
        fingerprint: request.fingerprint,
        lines: request.lines,
        leaseMs: this.options.pendingLeaseMs,
      });
      if (claim.claimed) return this.reserveAndConfirm(caller, orderId, request.lines);

      const { existing } = claim;
      if (!existing) continue; // the earlier placement was undone between our insert and our read: claim again
      if (existing.fingerprint !== request.fingerprint) throw new IdempotencyKeyReusedError();
      if (existing.status !== 'pending') return toOrder(existing);
      if (existing.leaseExpired) {
        await this.takeOver(caller, existing.id);
        continue;
      }
      // backing off keeps a crowd of retries from slowing down the one placement they all wait for
      await sleep(pollMs);
      pollMs = Math.min(pollMs * 2, 200);
    }
  }

  async listOrders(caller: Caller): Promise<Order[]> {
    return this.repository.listForUser(caller.userId);
  }

  async getOrder(caller: Caller, id: string): Promise<Order> {
    // a malformed id is simply not an order of the caller: same answer as for someone else's order
    const order = UUID.test(id) ? await this.repository.findForUser(caller.userId, id) : undefined;
    if (!order) throw new OrderNotFoundError();
    return order;
  }

  async cancelOrder(caller: Caller, id: string): Promise<Order> {
    const order = await this.getOrder(caller, id);
    if (order.status === 'cancelled') throw new OrderAlreadyCancelledError();
    // release before marking: a cancelled order must never still hold stock, and releasing twice is harmless,
    // so a cancel that fails between the two steps is simply retried
    await this.catalogCall(() => this.catalog.releaseStock(order.id, caller.token));
    const cancelled = await this.repository.markCancelled(caller.userId, order.id);
    if (!cancelled) throw new OrderAlreadyCancelledError(); // a concurrent cancel got there first
    return cancelled;
  }

  /** Waits for compensations still running in the background (at shutdown, before the catalog client closes). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.compensations]);
  }

  private async reserveAndConfirm(caller: Caller, orderId: string, lines: OrderLine[]): Promise<Order> {
    let reserved: ReservedLine[];
    try {
      reserved = await this.catalog.reserveStock(orderId, lines, caller.token);
    } catch (error) {
      if (error instanceof CatalogError && error.definite) {
        // the catalog refused: nothing is reserved, so the claim simply goes and a retry starts afresh
        await this.repository.deletePending(orderId);
      } else {
        // the reservation may or may not have happened: release it, without keeping the caller waiting
        this.compensateInBackground(caller, orderId);
      }
      throw toDomainError(error);
    }

    const currencies = new Set(reserved.map((line) => line.currency));
    const [currency] = currencies;
    const prices = new Map(reserved.map((line) => [line.productId, line.unitPriceCents]));
    if (currencies.size !== 1 || currency === undefined) {
      await this.compensate(caller, orderId);
      throw new InvalidOrderError('All items of an order must be priced in one currency');
    }
    const items: OrderItem[] = [];
    for (const line of lines) {
      const unitPriceCents = prices.get(line.productId);
      if (unitPriceCents === undefined) {
        await this.compensate(caller, orderId);
        throw new Error(`catalog reservation ${orderId} lacks product ${line.productId}`);
      }
      items.push({ ...line, unitPriceCents });
    }
    if (!Number.isSafeInteger(items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0))) {
      await this.compensate(caller, orderId);
      throw new InvalidOrderError('The order total is too large');
    }

    let order: Order | undefined;
    try {
      order = await this.repository.confirm(orderId, items, currency);
    } catch (error) {
      this.compensateInBackground(caller, orderId);
      throw error;
    }
    // a retry took the order over after its lease ran out, and released this reservation: the retry's order stands
    if (!order) throw new OrderInProgressError();
    return order;
  }

  /** Finishes what a dead or failed placement left: its reservation released, its pending order gone. */
  private async takeOver(caller: Caller, orderId: string): Promise<void> {
    this.logger.warn({ orderId }, 'taking over a pending order whose placement did not finish');
    await this.catalogCall(() => this.catalog.releaseStock(orderId, caller.token));
    await this.repository.deletePending(orderId, true);
  }

  private compensateInBackground(caller: Caller, orderId: string): void {
    const task = this.compensate(caller, orderId).finally(() => this.compensations.delete(task));
    this.compensations.add(task);
  }

  /** Never throws: what it cannot undo now, the next retry with the idempotency key takes over. */
  private async compensate(caller: Caller, orderId: string): Promise<void> {
    try {
      await this.catalog.releaseStock(orderId, caller.token);
    } catch (error) {
      this.logger.error(
        { err: error, orderId },
        'could not release the stock of a failed placement; a retry with the same idempotency key will',
      );
      await this.repository.expireLease(orderId).catch((expireError: unknown) => {
        this.logger.error({ err: expireError, orderId }, 'could not mark the failed placement for take-over');
      });
      return;
    }
    await this.repository.deletePending(orderId).catch((deleteError: unknown) => {
      this.logger.error({ err: deleteError, orderId }, 'could not remove a compensated placement');
    });
  }

  private async catalogCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw toDomainError(error);
    }
  }
}

/** What a catalog failure means for the caller of orders. */
function toDomainError(error: unknown): unknown {
  if (!(error instanceof CatalogError)) return error;
  switch (error.failure) {
    case 'unknown-product':
      return new InvalidOrderError('An item names a product that does not exist');
    case 'insufficient-stock':
      return new InsufficientStockError('Not enough stock for this order; nothing was reserved');
    case 'invalid-request':
      return new InvalidOrderError('The catalog rejected the items of this order');
    case 'unauthenticated':
      return new CatalogRejectedCallerError();
    case 'unavailable':
      return new CatalogUnavailableError(false);
    case 'timeout':
      return new CatalogUnavailableError(true);
    default:
      return error;
  }
}
