// Storage of products and stock reservations in the `catalog` schema: the only module that runs SQL. Every
// stock change happens in one transaction that locks product rows in id order (after any reservation rows it
// needs), so concurrent reservations, confirmations, releases and expiries neither oversell nor deadlock. An
// outage surfaces as the driver's error; service-kit classifies it (isStorageUnavailable) for every caller.
import { inTransaction, type Pool, type PoolClient } from '@platform/service-kit';
import type {
  NewProduct,
  Product,
  Reservation,
  ReservationStatus,
  ReservedLine,
  StockRequest,
} from './products.types.js';

export type ReserveOutcome =
  | { kind: 'reserved'; reservation: Reservation }
  /** The id was taken already (by an earlier request, or a release); nothing changed. */
  | { kind: 'exists'; reservation: Reservation }
  | { kind: 'unknown-product'; productId: string }
  | { kind: 'insufficient-stock'; productId: string; requested: number; available: number };

export type ConfirmOutcome = 'confirmed' | 'already-confirmed' | 'expired' | 'released' | 'unknown';

/** Which expired holds to give back: the oldest first, at most `limit`, optionally only those touching some rows. */
export interface ExpiredHoldsFilter {
  limit: number;
  productIds?: readonly string[];
  reservationIds?: readonly string[];
}

interface ProductRow {
  id: string;
  sku: string;
  name: string;
  description: string;
  price_cents: string;
  currency: string;
  stock: number;
}

const PRODUCT_COLUMNS = 'id, sku, name, description, price_cents, currency, stock';

// bigint arrives as a string from pg; prices stay far below 2^53
const toProduct = (row: ProductRow): Product => ({
  id: row.id,
  sku: row.sku,
  name: row.name,
  description: row.description,
  priceCents: Number(row.price_cents),
  currency: row.currency,
  stock: row.stock,
});

/** Ends a reservation transaction with ROLLBACK while handing its outcome back to the caller. */
class Abort {
  constructor(readonly outcome: ReserveOutcome) {}
}

export interface ProductsRepository {
  list(): Promise<Product[]>;
  findById(id: string): Promise<Product | undefined>;
  seedIfEmpty(products: readonly NewProduct[]): Promise<number>;
  reserve(
    reservationId: string,
    createdBy: string,
    lines: readonly StockRequest[],
    holdMs: number,
  ): Promise<ReserveOutcome>;
  confirm(reservationId: string): Promise<ConfirmOutcome>;
  release(reservationId: string, releasedBy: string): Promise<boolean>;
  expireHolds(filter: ExpiredHoldsFilter): Promise<number>;
}

export function createProductsRepository(pool: Pool): ProductsRepository {
  return {
    async list() {
      const { rows } = await pool.query<ProductRow>(`SELECT ${PRODUCT_COLUMNS} FROM catalog.products ORDER BY sku`);
      return rows.map(toProduct);
    },

    /** `id` must be a well-formed UUID (the column's type); the service checks before asking. */
    async findById(id: string) {
      const { rows } = await pool.query<ProductRow>(`SELECT ${PRODUCT_COLUMNS} FROM catalog.products WHERE id = $1`, [
        id,
      ]);
      const row = rows[0];
      return row && toProduct(row);
    },

    /**
     * Inserts the products only into an empty catalog, so a restart never re-adds a product an operator removed
     * and never resets stock. ON CONFLICT makes replicas starting together harmless. Returns how many were added.
     */
    async seedIfEmpty(products: readonly NewProduct[]) {
      const result = await pool.query(
        `INSERT INTO catalog.products (id, sku, name, description, price_cents, currency, stock)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::int[])
         WHERE NOT EXISTS (SELECT 1 FROM catalog.products)
         ON CONFLICT DO NOTHING`,
        [
          products.map((p) => p.id),
          products.map((p) => p.sku),
          products.map((p) => p.name),
          products.map((p) => p.description),
          products.map((p) => p.priceCents),
          products.map((p) => p.currency),
          products.map((p) => p.stock),
        ],
      );
      return result.rowCount ?? 0;
    },

    /**
     * Takes the stock for every line, or nothing, and holds it for `holdMs` (by the database's clock). The
     * reservation row is claimed first: a concurrent request with the same id waits on it and then sees this one's
     * result. Product rows are locked in id order, as everywhere, so two reservations over the same products cannot
     * deadlock. Product ids must be UUIDs and appear once each.
     */
    async reserve(reservationId: string, createdBy: string, lines: readonly StockRequest[], holdMs: number) {
      try {
        return await inTransaction(pool, async (client) => {
          const claimed = await client.query<{ expires_at: Date }>(
            `INSERT INTO catalog.reservations (id, created_by, status, expires_at)
             VALUES ($1, $2, 'held', now() + $3 * interval '1 millisecond')
             ON CONFLICT (id) DO NOTHING
             RETURNING expires_at`,
            [reservationId, createdBy, holdMs],
          );
          const expiresAt = claimed.rows[0]?.expires_at;
          if (expiresAt === undefined) {
            const reservation = await readReservation(client, reservationId);
            if (!reservation) throw new Error(`reservation ${reservationId} conflicted but cannot be read`);
            return { kind: 'exists', reservation } as const;
          }

          const { rows } = await client.query<{ id: string; stock: number; price_cents: string; currency: string }>(
            `SELECT id, stock, price_cents, currency FROM catalog.products
             WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
            [lines.map((line) => line.productId)],
          );
          const products = new Map(rows.map((row) => [row.id, row]));
          for (const line of lines) {
            if (!products.has(line.productId)) throw new Abort({ kind: 'unknown-product', productId: line.productId });
          }
          const reserved: ReservedLine[] = [];
          for (const line of lines) {
            const product = products.get(line.productId)!;
            if (product.stock < line.quantity) {
              throw new Abort({
                kind: 'insufficient-stock',
                productId: line.productId,
                requested: line.quantity,
                available: product.stock,
              });
            }
            reserved.push({ ...line, unitPriceCents: Number(product.price_cents), currency: product.currency });
          }

          // the rows are locked, so the stock check above holds; the condition keeps the UPDATE safe on its own
          for (const line of [...lines].sort((a, b) => a.productId.localeCompare(b.productId))) {
            const updated = await client.query(
              `UPDATE catalog.products SET stock = stock - $2, updated_at = now() WHERE id = $1 AND stock >= $2`,
              [line.productId, line.quantity],
            );
            if (updated.rowCount !== 1) {
              throw new Abort({
                kind: 'insufficient-stock',
                productId: line.productId,
                requested: line.quantity,
                available: products.get(line.productId)!.stock,
              });
            }
          }
          await client.query(
            `INSERT INTO catalog.reservation_lines
               (reservation_id, position, product_id, quantity, unit_price_cents, currency)
             SELECT $1, position - 1, product_id, quantity, unit_price_cents, currency
             FROM unnest($2::uuid[], $3::int[], $4::bigint[], $5::text[])
               WITH ORDINALITY AS line (product_id, quantity, unit_price_cents, currency, position)`,
            [
              reservationId,
              reserved.map((line) => line.productId),
              reserved.map((line) => line.quantity),
              reserved.map((line) => line.unitPriceCents),
              reserved.map((line) => line.currency),
            ],
          );
          return {
            kind: 'reserved',
            reservation: { id: reservationId, createdBy, status: 'held', expiresAt, lines: reserved },
          } as const;
        });
      } catch (error) {
        if (error instanceof Abort) return error.outcome;
        throw error;
      }
    },

    /**
     * held -> confirmed, only while the hold has not expired by the database's clock. The sweeper takes the same row
     * lock to expire a hold, so of a confirmation and an expiry exactly one happens.
     */
    async confirm(reservationId: string) {
      const confirmed = await pool.query(
        `UPDATE catalog.reservations SET status = 'confirmed', confirmed_at = now(), expires_at = NULL
         WHERE id = $1 AND status = 'held' AND expires_at > now()`,
        [reservationId],
      );
      if (confirmed.rowCount === 1) return 'confirmed';
      const { rows } = await pool.query<{ status: ReservationStatus }>(
        `SELECT ${EFFECTIVE_STATUS} AS status FROM catalog.reservations WHERE id = $1`,
        [reservationId],
      );
      const status = rows[0]?.status;
      if (status === undefined) return 'unknown';
      if (status === 'confirmed') return 'already-confirmed';
      // 'held' here means it was confirmed or expired between the two statements: read as what it became next time
      return status === 'released' ? 'released' : 'expired';
    },

    /**
     * Puts a held or confirmed reservation's stock back once. An id never reserved is recorded as released, so a
     * reservation still in flight (a caller compensating after a timeout) cannot take stock after its release.
     * Returns true when this call put stock back; false when the id was unknown, expired or already released.
     */
    async release(reservationId: string, releasedBy: string) {
      return inTransaction(pool, async (client) => {
        const tombstone = await client.query(
          `INSERT INTO catalog.reservations (id, created_by, status, released_at) VALUES ($1, $2, 'released', now())
           ON CONFLICT (id) DO NOTHING`,
          [reservationId, releasedBy],
        );
        if (tombstone.rowCount === 1) return false;
        const marked = await client.query(
          `UPDATE catalog.reservations SET status = 'released', released_at = now(), expires_at = NULL
           WHERE id = $1 AND status IN ('held', 'confirmed')`,
          [reservationId],
        );
        if (marked.rowCount !== 1) return false;
        await restock(client, [reservationId]);
        return true;
      });
    },

    /**
     * Gives back the stock of holds past their expiry: held -> expired. Rows another transaction holds (a
     * confirmation, a release, another replica's sweep) are skipped rather than waited for, so replicas sweep side by
     * side and a sweep never blocks a placement. Returns how many holds expired.
     */
    async expireHolds({ limit, productIds, reservationIds }: ExpiredHoldsFilter) {
      return inTransaction(pool, async (client) => {
        const { rows } = await client.query<{ id: string }>(
          `SELECT r.id FROM catalog.reservations r
           WHERE r.status = 'held' AND r.expires_at <= now()
             AND ($2::text[] IS NULL OR r.id = ANY($2::text[]))
             AND ($3::uuid[] IS NULL OR EXISTS (
               SELECT 1 FROM catalog.reservation_lines l WHERE l.reservation_id = r.id AND l.product_id = ANY($3::uuid[])))
           ORDER BY r.expires_at
           LIMIT $1
           FOR UPDATE OF r SKIP LOCKED`,
          [limit, reservationIds ?? null, productIds ?? null],
        );
        const ids = rows.map((row) => row.id);
        if (ids.length === 0) return 0;
        await client.query(
          `UPDATE catalog.reservations SET status = 'expired', released_at = now() WHERE id = ANY($1::text[])`,
          [ids],
        );
        await restock(client, ids);
        return ids.length;
      });
    },
  };
}

/** A hold past its expiry is expired, whether or not the sweeper got to it yet. */
const EFFECTIVE_STATUS = `CASE WHEN status = 'held' AND expires_at <= now() THEN 'expired' ELSE status END`;

async function readReservation(client: PoolClient, id: string): Promise<Reservation | undefined> {
  const { rows } = await client.query<{ created_by: string; status: ReservationStatus; expires_at: Date | null }>(
    `SELECT created_by, ${EFFECTIVE_STATUS} AS status, expires_at FROM catalog.reservations WHERE id = $1`,
    [id],
  );
  const row = rows[0];
  if (!row) return undefined;
  const lines = await client.query<{
    product_id: string;
    quantity: number;
    unit_price_cents: string;
    currency: string;
  }>(
    `SELECT product_id, quantity, unit_price_cents, currency FROM catalog.reservation_lines
     WHERE reservation_id = $1 ORDER BY position`,
    [id],
  );
  return {
    id,
    createdBy: row.created_by,
    status: row.status,
    expiresAt: row.status === 'held' ? (row.expires_at ?? undefined) : undefined,
    lines: lines.rows.map((line) => ({
      productId: line.product_id,
      quantity: line.quantity,
      unitPriceCents: Number(line.unit_price_cents),
      currency: line.currency,
    })),
  };
}

/** Adds the lines of the reservations back to stock, locking the product rows in id order first. */
async function restock(client: PoolClient, reservationIds: readonly string[]): Promise<void> {
  const { rows } = await client.query<{ product_id: string; quantity: string }>(
    `SELECT product_id, sum(quantity) AS quantity FROM catalog.reservation_lines
     WHERE reservation_id = ANY($1::text[]) GROUP BY product_id ORDER BY product_id`,
    [reservationIds],
  );
  if (rows.length === 0) return;
  const productIds = rows.map((row) => row.product_id);
  await client.query('SELECT id FROM catalog.products WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE', [productIds]);
  await client.query(
    `UPDATE catalog.products AS product SET stock = product.stock + back.quantity, updated_at = now()
     FROM unnest($1::uuid[], $2::int[]) AS back (product_id, quantity)
     WHERE product.id = back.product_id`,
    [productIds, rows.map((row) => Number(row.quantity))],
  );
}
