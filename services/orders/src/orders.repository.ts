// Storage of orders in the service's own PostgreSQL schema; the only module that runs SQL. An order and its items
// are always written in one transaction and read in one statement (one snapshot, one round trip), so a reader never
// sees one without the other.
import { inTransaction, type Pool, type PoolClient } from '@platform/service-kit';
import type { Order, OrderItem, OrderLine, OrderStatus } from './order.js';

/** A row as stored, pending ones included. */
export interface StoredOrder {
  id: string;
  userId: string;
  status: OrderStatus;
  items: (OrderLine & { unitPriceCents: number | null })[];
  currency: string | null;
  totalCents: number | null;
  createdAt: Date;
  fingerprint: string;
  /** Pending and past its lease (by the database's clock): its placing call is gone or failed to clean up. */
  leaseExpired: boolean;
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
  (status = 'pending' AND lease_expires_at <= now()) AS lease_expired`;

/** Orders with their items as a JSON array, in item order: the reads' single statement (add WHERE/ORDER BY). */
const ORDERS_WITH_ITEMS = `SELECT o.id, o.user_id, o.status, o.currency, o.total_cents, o.created_at,
  o.request_fingerprint, (o.status = 'pending' AND o.lease_expires_at <= now()) AS lease_expired,
  COALESCE((SELECT json_agg(json_build_object('order_id', i.order_id, 'product_id', i.product_id,
      'quantity', i.quantity, 'unit_price_cents', i.unit_price_cents::text) ORDER BY i.position)
    FROM orders.order_items i WHERE i.order_id = o.id), '[]'::json) AS items
  FROM orders.orders o`;

export class OrdersRepository {
  constructor(private readonly pool: Pool) {}

  /**
   * Inserts a pending order with its lines, unless the user already has an order with this idempotency key: the
   * unique (user_id, idempotency_key) constraint makes concurrent claims of one key yield exactly one row.
   * `existing` is undefined when that row vanished between the conflict and the read (its placement was undone).
   */
  async claim(order: PendingOrder): Promise<ClaimResult> {
    return inTransaction(this.pool, async (client) => {
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
        const [existing] = await this.withItems(client, rows);
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
  }

  /** pending -> confirmed with the catalog's prices; undefined if the order is no longer pending (taken over). */
  async confirm(orderId: string, items: readonly OrderItem[], currency: string): Promise<Order | undefined> {
    const totalCents = items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0);
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<OrderRow>(
        `UPDATE orders.orders
         SET status = 'confirmed', currency = $2, total_cents = $3, lease_expires_at = NULL, updated_at = now()
         WHERE id = $1 AND status = 'pending'
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
      const [order] = await this.withItems(client, rows);
      return order && toOrder(order);
    });
  }

  /** Undoes a claim; only a still-pending order can go (a confirmed one is never deleted). */
  async deletePending(orderId: string, onlyIfLeaseExpired = false): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `DELETE FROM orders.orders WHERE id = $1 AND status = 'pending'
       ${onlyIfLeaseExpired ? 'AND lease_expires_at <= now()' : ''}`,
      [orderId],
    );
    return (rowCount ?? 0) > 0;
  }

  /** Lets the next retry take a pending order over at once, when its placement could not clean up after itself. */
  async expireLease(orderId: string): Promise<void> {
    await this.pool.query(
      `UPDATE orders.orders SET lease_expires_at = now(), updated_at = now() WHERE id = $1 AND status = 'pending'`,
      [orderId],
    );
  }

  /** One order of the user, confirmed or cancelled; pending orders are not orders yet to anyone outside. */
  async findForUser(userId: string, orderId: string): Promise<Order | undefined> {
    const { rows } = await this.pool.query<OrderRow & { items: ItemRow[] }>(
      `${ORDERS_WITH_ITEMS} WHERE o.id = $1 AND o.user_id = $2 AND o.status <> 'pending'`,
      [orderId, userId],
    );
    const [order] = stored(
      rows,
      rows.flatMap((row) => row.items),
    );
    return order && toOrder(order);
  }

  async listForUser(userId: string): Promise<Order[]> {
    const { rows } = await this.pool.query<OrderRow & { items: ItemRow[] }>(
      `${ORDERS_WITH_ITEMS} WHERE o.user_id = $1 AND o.status <> 'pending' ORDER BY o.created_at DESC, o.id DESC`,
      [userId],
    );
    return stored(
      rows,
      rows.flatMap((row) => row.items),
    ).map(toOrder);
  }

  /** confirmed -> cancelled; undefined when the order is not (or no longer) confirmed. */
  async markCancelled(userId: string, orderId: string): Promise<Order | undefined> {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<OrderRow>(
        `UPDATE orders.orders SET status = 'cancelled', updated_at = now()
         WHERE id = $1 AND user_id = $2 AND status = 'confirmed'
         RETURNING ${ORDER_COLUMNS}`,
        [orderId, userId],
      );
      const [order] = await this.withItems(client, rows);
      return order && toOrder(order);
    });
  }

  /** Reads the items of the rows on the same client, so an order and its items come from one transaction. */
  private async withItems(db: PoolClient, rows: OrderRow[]): Promise<StoredOrder[]> {
    if (rows.length === 0) return [];
    const { rows: items } = await db.query<ItemRow>(
      `SELECT order_id, product_id, quantity, unit_price_cents FROM orders.order_items
       WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, position`,
      [rows.map((row) => row.id)],
    );
    return stored(rows, items);
  }
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

/** A stored order as clients see it; only called for confirmed or cancelled rows, which the schema keeps priced. */
export function toOrder(stored: StoredOrder): Order {
  if (stored.status === 'pending') throw new Error(`order ${stored.id} is still pending`);
  return {
    id: stored.id,
    status: stored.status,
    items: stored.items.map((item) => ({ ...item, unitPriceCents: item.unitPriceCents ?? 0 })),
    totalCents: stored.totalCents ?? 0,
    currency: stored.currency ?? '',
    createdAt: stored.createdAt,
  };
}
