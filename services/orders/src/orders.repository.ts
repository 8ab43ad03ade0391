// Storage of orders in the service's own PostgreSQL schema; the only module that runs SQL. An order and its items
// are always written in one transaction and read in one statement (one snapshot, one round trip), so a reader never
// sees one without the other. Every change of state is one conditional UPDATE, so of two processes racing for a
// row (a placement and the recovery loop, two cancels) exactly one moves it.
import { inTransaction, type Pool, type PoolClient } from '@platform/service-kit';
import type { Order, OrderItem, OrderLine, OrderStatus } from './orders.types.js';

/** A row as stored, unsettled ones included. */
export interface StoredOrder {
  id: string;
  userId: string;
  status: OrderStatus;
  items: (OrderLine & { unitPriceCents: number | null })[];
  currency: string | null;
  totalCents: number | null;
  createdAt: Date;
  fingerprint: string;
  /** Unsettled and past its lease (by the database's clock): whoever owned it is gone or failed to finish. */
  leaseExpired: boolean;
}

/** An unsettled row the recovery loop took over: release its stock, then finish it as its status says. */
export interface StaleOrder {
  id: string;
  status: 'releasing' | 'cancelling';
}

export interface PendingOrder {
  id: string;
  userId: string;
  idempotencyKey: string | undefined;
  fingerprint: string;
  lines: readonly OrderLine[];
  leaseMs: number;
}

export type ClaimResult = { claimed: true } | { claimed: false; existing: StoredOrder | undefined };

interface OrderRow {
  id: string;
  user_id: string;
  status: OrderStatus;
  currency: string | null;
  total_cents: string | null;
  created_at: Date;
  request_fingerprint: string;
  lease_expired: boolean;
}

interface ItemRow {
  order_id: string;
  product_id: string;
  quantity: number;
  unit_price_cents: string | null;
}

const ORDER_COLUMNS = `id, user_id, status, currency, total_cents, created_at, request_fingerprint,
  (lease_expires_at <= now()) IS TRUE AS lease_expired`;

/** Statuses of orders that were placed (and so are shown): confirmed, being cancelled, cancelled. */
const PLACED = `('confirmed', 'cancelling', 'cancelled')`;

/** Orders with their items as a JSON array, in item order: the reads' single statement (add WHERE/ORDER BY). */
const ORDERS_WITH_ITEMS = `SELECT o.id, o.user_id, o.status, o.currency, o.total_cents, o.created_at,
  o.request_fingerprint, (o.lease_expires_at <= now()) IS TRUE AS lease_expired,
  COALESCE((SELECT json_agg(json_build_object('order_id', i.order_id, 'product_id', i.product_id,
      'quantity', i.quantity, 'unit_price_cents', i.unit_price_cents::text) ORDER BY i.position)
    FROM orders.order_items i WHERE i.order_id = o.id), '[]'::json) AS items
  FROM orders.orders o`;

export interface OrdersRepository {
  /**
   * Inserts a pending order with its lines, unless the user already has an order with this idempotency key: the
   * unique (user_id, idempotency_key) constraint makes concurrent claims of one key yield exactly one row.
   * `existing` is undefined when that row vanished between the conflict and the read (its placement was undone).
   */
  claim(order: PendingOrder): Promise<ClaimResult>;
  /**
   * pending -> confirmed with the catalog's prices, only while the placement's lease holds: once it has run out the
   * recovery loop may be releasing the stock, so the order must not stand. Undefined when it no longer can.
   */
  confirm(orderId: string, items: readonly OrderItem[], currency: string): Promise<Order | undefined>;
  /** Undoes a claim the catalog refused (nothing was reserved); only a still-pending order can go. */
  deletePending(orderId: string): Promise<boolean>;
  /**
   * pending -> releasing: this process now undoes the placement (releases its stock, then deletes the row) and owns
   * it for `leaseMs`. `onlyIfStale` takes a row only once its owner's lease ran out (a retry with the same key
   * finding a dead placement); without it, the placement undoes its own row. A releasing row whose undoer died is
   * taken over either way. False when the row is confirmed, gone, or being undone by a live process.
   */
  beginRelease(orderId: string, options: { leaseMs: number; onlyIfStale: boolean }): Promise<boolean>;
  /** releasing -> gone, once the catalog has the stock back. */
  finishRelease(orderId: string): Promise<void>;
  /** An unsettled row whose stock release failed: the recovery loop retries it on its next round. */
  releaseFailed(orderId: string): Promise<void>;
  /**
   * Takes over up to `limit` unsettled rows whose lease ran out, oldest first, for `leaseMs`: a placement that
   * died (pending) becomes releasing, a release or cancel whose process died is taken as it is. SKIP LOCKED and the
   * new lease let several replicas recover side by side, each row by one of them.
   */
  takeStale(limit: number, leaseMs: number): Promise<StaleOrder[]>;
  /** One order of the user, as stored; rows of unfinished placements are not orders yet to anyone outside. */
  findForUser(userId: string, orderId: string): Promise<StoredOrder | undefined>;
  listForUser(userId: string): Promise<Order[]>;
  /** confirmed -> cancelling, owned for `leaseMs`; false when the order is not (or no longer) confirmed. */
  beginCancel(userId: string, orderId: string, leaseMs: number): Promise<boolean>;
  /** cancelling -> cancelled, once the catalog has the stock back; undefined when another call finished it. */
  finishCancel(orderId: string): Promise<Order | undefined>;
}

export function createOrdersRepository(pool: Pool): OrdersRepository {
  return {
    async claim(order: PendingOrder) {
      return inTransaction(pool, async (client) => {
        // on a conflict this waits for the other claim's transaction, then the next statement sees its row
        const { rowCount } = await client.query(
          `INSERT INTO orders.orders (id, user_id, status, idempotency_key, request_fingerprint, lease_expires_at)
           VALUES ($1, $2, 'pending', $3, $4, now() + $5 * interval '1 millisecond')
           ON CONFLICT (user_id, idempotency_key) DO NOTHING`,
          [order.id, order.userId, order.idempotencyKey ?? null, order.fingerprint, order.leaseMs],
        );
        if (rowCount === 0) {
          const { rows } = await client.query<OrderRow>(
            `SELECT ${ORDER_COLUMNS} FROM orders.orders WHERE user_id = $1 AND idempotency_key = $2`,
            [order.userId, order.idempotencyKey],
          );
          const [existing] = await withItems(client, rows);
          return { claimed: false, existing };
        }
        await client.query(
          `INSERT INTO orders.order_items (order_id, position, product_id, quantity)
           SELECT $1, line.position, line.product_id, line.quantity
           FROM unnest($2::text[], $3::integer[]) WITH ORDINALITY AS line (product_id, quantity, position)`,
          [order.id, order.lines.map((line) => line.productId), order.lines.map((line) => line.quantity)],
        );
        return { claimed: true };
      });
    },

    async confirm(orderId: string, items: readonly OrderItem[], currency: string) {
      const totalCents = items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0);
      return inTransaction(pool, async (client) => {
        const { rows } = await client.query<OrderRow>(
          `UPDATE orders.orders
           SET status = 'confirmed', currency = $2, total_cents = $3, lease_expires_at = NULL, updated_at = now()
           WHERE id = $1 AND status = 'pending' AND lease_expires_at > now()
           RETURNING ${ORDER_COLUMNS}`,
          [orderId, currency, totalCents],
        );
        if (rows.length === 0) return undefined;
        await client.query(
          `UPDATE orders.order_items AS item SET unit_price_cents = priced.unit_price_cents
           FROM unnest($2::text[], $3::bigint[]) AS priced (product_id, unit_price_cents)
           WHERE item.order_id = $1 AND item.product_id = priced.product_id`,
          [orderId, items.map((item) => item.productId), items.map((item) => item.unitPriceCents)],
        );
        const [order] = await withItems(client, rows);
        return order && toOrder(order);
      });
    },

    async deletePending(orderId: string) {
      const { rowCount } = await pool.query(`DELETE FROM orders.orders WHERE id = $1 AND status = 'pending'`, [
        orderId,
      ]);
      return (rowCount ?? 0) > 0;
    },

    async beginRelease(orderId: string, { leaseMs, onlyIfStale }: { leaseMs: number; onlyIfStale: boolean }) {
      const { rowCount } = await pool.query(
        `UPDATE orders.orders
         SET status = 'releasing', lease_expires_at = now() + $2 * interval '1 millisecond', updated_at = now()
         WHERE id = $1
           AND ((status = 'pending' AND (NOT $3 OR lease_expires_at <= now()))
             OR (status = 'releasing' AND lease_expires_at <= now()))`,
        [orderId, leaseMs, onlyIfStale],
      );
      return rowCount === 1;
    },

    async finishRelease(orderId: string) {
      await pool.query(`DELETE FROM orders.orders WHERE id = $1 AND status = 'releasing'`, [orderId]);
    },

    async releaseFailed(orderId: string) {
      await pool.query(
        `UPDATE orders.orders SET lease_expires_at = now(), updated_at = now()
         WHERE id = $1 AND status IN ('releasing', 'cancelling')`,
        [orderId],
      );
    },

    async takeStale(limit: number, leaseMs: number) {
      const { rows } = await pool.query<StaleOrder>(
        `UPDATE orders.orders AS o
         SET status = CASE WHEN o.status = 'pending' THEN 'releasing' ELSE o.status END,
             lease_expires_at = now() + $2 * interval '1 millisecond', updated_at = now()
         FROM (SELECT id FROM orders.orders
               WHERE status IN ('pending', 'releasing', 'cancelling') AND lease_expires_at <= now()
               ORDER BY lease_expires_at LIMIT $1 FOR UPDATE SKIP LOCKED) AS stale
         WHERE o.id = stale.id
         RETURNING o.id, o.status`,
        [limit, leaseMs],
      );
      return rows;
    },

    async findForUser(userId: string, orderId: string) {
      const { rows } = await pool.query<OrderRow & { items: ItemRow[] }>(
        `${ORDERS_WITH_ITEMS} WHERE o.id = $1 AND o.user_id = $2 AND o.status IN ${PLACED}`,
        [orderId, userId],
      );
      const [order] = stored(
        rows,
        rows.flatMap((row) => row.items),
      );
      return order;
    },

    async listForUser(userId: string) {
      const { rows } = await pool.query<OrderRow & { items: ItemRow[] }>(
        `${ORDERS_WITH_ITEMS} WHERE o.user_id = $1 AND o.status IN ${PLACED} ORDER BY o.created_at DESC, o.id DESC`,
        [userId],
      );
      return stored(
        rows,
        rows.flatMap((row) => row.items),
      ).map(toOrder);
    },

    async beginCancel(userId: string, orderId: string, leaseMs: number) {
      const { rowCount } = await pool.query(
        `UPDATE orders.orders
         SET status = 'cancelling', lease_expires_at = now() + $3 * interval '1 millisecond', updated_at = now()
         WHERE id = $1 AND user_id = $2 AND status = 'confirmed'`,
        [orderId, userId, leaseMs],
      );
      return rowCount === 1;
    },

    async finishCancel(orderId: string) {
      return inTransaction(pool, async (client) => {
        const { rows } = await client.query<OrderRow>(
          `UPDATE orders.orders SET status = 'cancelled', lease_expires_at = NULL, updated_at = now()
           WHERE id = $1 AND status = 'cancelling'
           RETURNING ${ORDER_COLUMNS}`,
          [orderId],
        );
        const [order] = await withItems(client, rows);
        return order && toOrder(order);
      });
    },
  };
}

/** Reads the items of the rows on the same client, so an order and its items come from one transaction. */
async function withItems(db: PoolClient, rows: OrderRow[]): Promise<StoredOrder[]> {
  if (rows.length === 0) return [];
  const { rows: items } = await db.query<ItemRow>(
    `SELECT order_id, product_id, quantity, unit_price_cents FROM orders.order_items
     WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, position`,
    [rows.map((row) => row.id)],
  );
  return stored(rows, items);
}

/** Rows and their items (in item order) as stored orders. */
function stored(rows: OrderRow[], items: ItemRow[]): StoredOrder[] {
  const byOrder = new Map<string, StoredOrder['items']>();
  for (const item of items) {
    const list = byOrder.get(item.order_id) ?? [];
    list.push({
      productId: item.product_id,
      quantity: item.quantity,
      unitPriceCents: item.unit_price_cents === null ? null : Number(item.unit_price_cents),
    });
    byOrder.set(item.order_id, list);
  }
  return rows.map((row) => ({
    id: row.id,
    userId: row.user_id,
    status: row.status,
    items: byOrder.get(row.id) ?? [],
    currency: row.currency,
    totalCents: row.total_cents === null ? null : Number(row.total_cents),
    createdAt: row.created_at,
    fingerprint: row.request_fingerprint,
    leaseExpired: row.lease_expired,
  }));
}

/** A stored order as clients see it; only for placed rows, which the schema keeps priced. A cancel in progress is
 * shown as cancelled: it is decided, and the recovery loop finishes it if its caller does not. */
export function toOrder(stored: StoredOrder): Order {
  if (stored.status === 'pending' || stored.status === 'releasing') {
    throw new Error(`order ${stored.id} was never placed`);
  }
  return {
    id: stored.id,
    status: stored.status === 'confirmed' ? 'confirmed' : 'cancelled',
    items: stored.items.map((item) => ({ ...item, unitPriceCents: item.unitPriceCents ?? 0 })),
    totalCents: stored.totalCents ?? 0,
    currency: stored.currency ?? '',
    createdAt: stored.createdAt,
  };
}
