// The stock books of the platform read from outside: catalog's and orders' own tables, queried directly, to compare
// what each product has given out with what the confirmed orders account for. A fault test polls it until the
// platform has settled, then holds it to the books balancing.
import pg from 'pg';

export interface StockLedger {
  /** Per product: units gone from stock since the baseline. */
  taken: Record<string, number>;
  /** Per product: units in confirmed orders (orders' own table). */
  ordered: Record<string, number>;
  /** Orders whose placement or cancel has not finished: pending, releasing, cancelling. */
  unsettledOrders: number;
  /** Catalog holds neither confirmed nor given back yet. */
  heldReservations: number;
  /** Ids that are a confirmed order on one side but not a confirmed reservation on the other. */
  mismatched: string[];
}

export interface StockBooks {
  /** Stock per product now; the baseline to measure against. */
  stock(): Promise<Map<string, number>>;
  read(baseline: Map<string, number>): Promise<StockLedger>;
  close(): Promise<void>;
}

/** Both services' schemas in the database the launcher gave them (one server, a schema each). */
export function openStockBooks(databaseUrl: string): StockBooks {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2, application_name: 'e2e-stock-books' });
  pool.on('error', () => {});
  const stock = async () => {
    const { rows } = await pool.query<{ id: string; stock: number }>('SELECT id, stock FROM catalog.products');
    return new Map(rows.map((row) => [row.id, row.stock]));
  };
  return {
    stock,
    async read(baseline) {
      const now = await stock();
      const taken = Object.fromEntries([...baseline].map(([id, before]) => [id, before - (now.get(id) ?? 0)]));
      const ordered: Record<string, number> = Object.fromEntries([...baseline.keys()].map((id) => [id, 0]));
      const items = await pool.query<{ product_id: string; quantity: string }>(
        `SELECT i.product_id, sum(i.quantity) AS quantity FROM orders.order_items i
         JOIN orders.orders o ON o.id = i.order_id WHERE o.status = 'confirmed' GROUP BY i.product_id`,
      );
      for (const row of items.rows) ordered[row.product_id] = Number(row.quantity);
      const unsettled = await pool.query<{ count: string }>(
        `SELECT count(*) FROM orders.orders WHERE status IN ('pending', 'releasing', 'cancelling')`,
      );
      const held = await pool.query<{ count: string }>(
        `SELECT count(*) FROM catalog.reservations WHERE status = 'held'`,
      );
      const mismatched = await pool.query<{ id: string }>(
        `(SELECT id::text FROM orders.orders WHERE status = 'confirmed'
          EXCEPT SELECT id FROM catalog.reservations WHERE status = 'confirmed')
         UNION ALL
         (SELECT id FROM catalog.reservations WHERE status = 'confirmed'
          EXCEPT SELECT id::text FROM orders.orders WHERE status = 'confirmed')`,
      );
      return {
        taken,
        ordered,
        unsettledOrders: Number(unsettled.rows[0]?.count),
        heldReservations: Number(held.rows[0]?.count),
        mismatched: mismatched.rows.map((row) => row.id),
      };
    },
    close: () => pool.end(),
  };
}
