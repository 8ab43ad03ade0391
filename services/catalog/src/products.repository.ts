// Storage of products and stock reservations in the `catalog` schema: the only module that runs SQL. Every
// stock change happens in one transaction that locks product rows in id order, so concurrent reservations neither
// oversell nor deadlock.
import { inTransaction, isStorageUnavailable, type Pool, type PoolClient } from '@platform/service-kit';
import { StorageUnavailableError } from './products.errors.js';

export interface Product {
  /** A UUID, lower case. */
  id: string;
  sku: string;
  name: string;
  description: string;
  priceCents: number;
  currency: string;
  stock: number;
}

export type NewProduct = Product;

export interface StockRequest {
  productId: string;
  quantity: number;
}

export interface ReservedLine {
  productId: string;
  quantity: number;
  unitPriceCents: number;
  currency: string;
}

export interface Reservation {
  id: string;
  userId: string;
  status: 'reserved' | 'released';
  /** In the order of the request that made it; empty for an id that was released before it was ever reserved. */
  lines: ReservedLine[];
}

export type ReserveOutcome =
  | { kind: 'reserved'; reservation: Reservation }
  /** The id was taken already (by an earlier request, or a release); nothing changed. */
  | { kind: 'exists'; reservation: Reservation }
  | { kind: 'unknown-product'; productId: string }
  | { kind: 'insufficient-stock'; productId: string; requested: number; available: number };

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

export class ProductsRepository {
  constructor(private readonly pool: Pool) {}

  list(): Promise<Product[]> {
    return this.run(async () => {
      const { rows } = await this.pool.query<ProductRow>(
        `SELECT ${PRODUCT_COLUMNS} FROM catalog.products ORDER BY sku`,
      );
      return rows.map(toProduct);
    });
  }

  /** `id` must be a well-formed UUID (the column's type); the service checks before asking. */
  findById(id: string): Promise<Product | undefined> {
    return this.run(async () => {
      const { rows } = await this.pool.query<ProductRow>(
        `SELECT ${PRODUCT_COLUMNS} FROM catalog.products WHERE id = $1`,
        [id],
      );
      const row = rows[0];
      return row && toProduct(row);
    });
  }

  /**
   * Inserts the products only into an empty catalog, so a restart never re-adds a product an operator removed
   * and never resets stock. ON CONFLICT makes replicas starting together harmless. Returns how many were added.
   */
  seedIfEmpty(products: readonly NewProduct[]): Promise<number> {
    return this.run(async () => {
      const result = await this.pool.query(
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
    });
  }

  /**
   * Takes the stock for every line, or nothing. The reservation row is claimed first: a concurrent request with
   * the same id waits on it and then sees this one's result. Product rows are locked in id order, the same order
   * release uses, so two reservations over the same products cannot deadlock. Product ids must be UUIDs and
   * appear once each.
   */
  reserve(reservationId: string, userId: string, lines: readonly StockRequest[]): Promise<ReserveOutcome> {
    return this.run(async () => {
      try {
        return await inTransaction(this.pool, async (client) => {
          const claimed = await client.query(
            `INSERT INTO catalog.reservations (id, user_id, status) VALUES ($1, $2, 'reserved')
             ON CONFLICT (id) DO NOTHING`,
            [reservationId, userId],
          );
          if (claimed.rowCount === 0) {
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
            reservation: { id: reservationId, userId, status: 'reserved', lines: reserved },
          } as const;
        });
      } catch (error) {
        if (error instanceof Abort) return error.outcome;
        throw error;
      }
    });
  }

  /**
   * Puts a reservation's stock back once. An id never reserved is recorded as released, so a reservation still
   * in flight (a caller compensating after a timeout) cannot take stock after its release. Returns true when this
   * call put stock back; false when the id was unknown, already released, or belongs to another user.
   */
  release(reservationId: string, userId: string): Promise<boolean> {
    return this.run(() =>
      inTransaction(this.pool, async (client) => {
        const tombstone = await client.query(
          `INSERT INTO catalog.reservations (id, user_id, status, released_at) VALUES ($1, $2, 'released', now())
           ON CONFLICT (id) DO NOTHING`,
          [reservationId, userId],
        );
        if (tombstone.rowCount === 1) return false;
        const marked = await client.query(
          `UPDATE catalog.reservations SET status = 'released', released_at = now()
           WHERE id = $1 AND user_id = $2 AND status = 'reserved'`,
          [reservationId, userId],
        );
        if (marked.rowCount !== 1) return false;
        const { rows } = await client.query<{ product_id: string; quantity: number }>(
          `SELECT product_id, quantity FROM catalog.reservation_lines WHERE reservation_id = $1 ORDER BY product_id`,
          [reservationId],
        );
        for (const row of rows) {
          await client.query(`UPDATE catalog.products SET stock = stock + $2, updated_at = now() WHERE id = $1`, [
            row.product_id,
            row.quantity,
          ]);
        }
        return true;
      }),
    );
  }

  /** Turns "the database is not there" into a domain error the transport reports as retryable. */
  private async run<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (isStorageUnavailable(error)) throw new StorageUnavailableError('database unavailable', { cause: error });
      throw error;
    }
  }
}

async function readReservation(client: PoolClient, id: string): Promise<Reservation | undefined> {
  const { rows } = await client.query<{ user_id: string; status: Reservation['status'] }>(
    'SELECT user_id, status FROM catalog.reservations WHERE id = $1',
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
    userId: row.user_id,
    status: row.status,
    lines: lines.rows.map((line) => ({
      productId: line.product_id,
      quantity: line.quantity,
      unitPriceCents: Number(line.unit_price_cents),
      currency: line.currency,
    })),
  };
}
