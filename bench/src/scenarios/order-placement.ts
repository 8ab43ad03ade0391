// Scenario 7: many users placing orders for the same product at once. First the rate (a product with ample stock,
// against the public read of the same platform as the baseline), then the proof: a product with little stock is
// ordered until it runs out, while its stock is sampled; it must never go below zero and must end at its initial
// stock minus the quantities of the confirmed orders (counted from the answers and from the orders tables).
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { type BenchContext, PRODUCTS_PATH, type RunningPlatform, throughputOptions } from '../bench-context.js';
import { type ComparisonResult, compare } from '../comparison.js';
import { type LoadTarget, runRound } from '../load.js';
import { createUsers, type User } from '../platform-client.js';

export interface OrderPlacementResult {
  users: number;
  comparison: ComparisonResult;
  ordersPerSecond: number;
  exhaustion: {
    initialStock: number;
    finalStock: number;
    lowestStockSeen: number;
    stockSamples: number;
    confirmedOrders: number;
    confirmedQuantityFromAnswers: number;
    /** Answers cut off when a round ended are not counted here; the tables are the books. */
    confirmedQuantityInOrdersTables: number;
    reservedQuantityInCatalog: number;
    refusedWith409: number;
    otherFailures: number;
    /**
     * Never negative, final = initial - confirmed orders' quantity = initial - catalog's live reservations, no
     * answer without its order, and the stock did run out.
     */
    consistent: boolean;
  };
}

const EXHAUSTION_STOCK = 150;

export async function measureOrderPlacement(
  context: BenchContext,
  platform: RunningPlatform,
): Promise<OrderPlacementResult> {
  const { config, log } = context;
  // catalog's and orders' tables: one database with DATABASE_URL, a database each on the embedded server
  const catalogUrl = platform.databaseUrls.catalog ?? platform.databaseUrl;
  const db = new pg.Client({ connectionString: catalogUrl });
  const ordersDb = new pg.Client({ connectionString: platform.databaseUrls.orders ?? platform.databaseUrl });
  await db.connect();
  await ordersDb.connect();
  try {
    log(`  creating ${config.orderUsers} users`);
    const users = await createUsers(platform.gatewayUrl, `buyer-${Date.now()}`, config.orderUsers);
    const plenty = await insertProduct(db, 'BENCH-PLENTY', 100_000_000);
    const scarce = await insertProduct(db, 'BENCH-SCARCE', EXHAUSTION_STOCK);

    const comparison = await compare(
      { name: 'public products', target: { url: platform.gatewayUrl + PRODUCTS_PATH } },
      [{ name: 'place order', target: orderTarget(platform.gatewayUrl, users, plenty, () => {}) }],
      { ...throughputOptions(context), connections: Math.min(config.connections * 2, users.length) },
    );

    // the proof: order the scarce product until it is gone, with the stock sampled meanwhile
    let lowest = EXHAUSTION_STOCK;
    let samples = 0;
    let sampling = true;
    const sampler = (async () => {
      const watcher = new pg.Client({ connectionString: catalogUrl });
      await watcher.connect();
      try {
        while (sampling) {
          const { rows } = await watcher.query<{ stock: number }>('SELECT stock FROM catalog.products WHERE id = $1', [
            scarce,
          ]);
          lowest = Math.min(lowest, rows[0]!.stock);
          samples++;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      } finally {
        await watcher.end();
      }
    })();
    let confirmedFromAnswers = 0;
    let confirmedOrders = 0;
    const statusCodes: Record<string, number> = {};
    let failures = 0;
    const target = orderTarget(platform.gatewayUrl, users, scarce, (quantity) => {
      confirmedOrders++;
      confirmedFromAnswers += quantity;
    });
    // rounds until the product is gone (a slow machine may need more than one)
    for (let attempt = 0; attempt < 5 && !(statusCodes['409'] ?? 0); attempt++) {
      const result = await runRound(target, {
        connections: Math.min(config.connections * 2, users.length),
        durationSeconds: config.durationSeconds,
      });
      failures += result.failures;
      for (const [code, count] of Object.entries(result.statusCodes))
        statusCodes[code] = (statusCodes[code] ?? 0) + count;
    }
    // placements still in flight when the load stopped finish (or are compensated) before the books are read
    await settled(ordersDb);
    sampling = false;
    await sampler;

    const { rows: stockRows } = await db.query<{ stock: number }>('SELECT stock FROM catalog.products WHERE id = $1', [
      scarce,
    ]);
    const { rows: orderRows } = await ordersDb.query<{ quantity: string | null }>(
      `SELECT sum(i.quantity) AS quantity FROM orders.order_items i JOIN orders.orders o ON o.id = i.order_id
       WHERE i.product_id = $1 AND o.status = 'confirmed'`,
      [scarce],
    );
    const { rows: reservedRows } = await db.query<{ quantity: string | null }>(
      `SELECT sum(l.quantity) AS quantity FROM catalog.reservation_lines l
       JOIN catalog.reservations r ON r.id = l.reservation_id
       WHERE l.product_id = $1 AND r.status IN ('held', 'confirmed')`,
      [scarce],
    );
    const finalStock = stockRows[0]!.stock;
    const inTables = Number(orderRows[0]?.quantity ?? 0);
    const reserved = Number(reservedRows[0]?.quantity ?? 0);
    const refused = statusCodes['409'] ?? 0;
    const otherFailures = failures - refused;
    const plentyResult = comparison.subjects[0]!;
    return {
      users: users.length,
      comparison,
      ordersPerSecond: plentyResult.median.rps,
      exhaustion: {
        initialStock: EXHAUSTION_STOCK,
        finalStock,
        lowestStockSeen: Math.min(lowest, finalStock),
        stockSamples: samples,
        confirmedOrders,
        confirmedQuantityFromAnswers: confirmedFromAnswers,
        confirmedQuantityInOrdersTables: inTables,
        reservedQuantityInCatalog: reserved,
        refusedWith409: refused,
        otherFailures,
        consistent:
          finalStock >= 0 &&
          lowest >= 0 &&
          finalStock === EXHAUSTION_STOCK - inTables &&
          finalStock === EXHAUSTION_STOCK - reserved &&
          confirmedFromAnswers <= inTables &&
          refused > 0,
      },
    };
  } finally {
    await db.end();
    await ordersDb.end();
  }
}

/** A product of the benchmark's own, straight into the catalog's table of this run's database. */
async function insertProduct(db: pg.Client, sku: string, stock: number): Promise<string> {
  const id = randomUUID();
  await db.query(
    `INSERT INTO catalog.products (id, sku, name, description, price_cents, currency, stock)
     VALUES ($1, $2, $3, 'benchmark product', 100, 'EUR', $4)`,
    [id, `${sku}-${id.slice(0, 8)}`, sku, stock],
  );
  return id;
}

/** POST /api/orders, the users taking turns request by request, 1 to 3 of the product each. */
function orderTarget(
  gatewayUrl: string,
  users: User[],
  productId: string,
  onConfirmed: (quantity: number) => void,
): LoadTarget {
  let next = 0;
  return {
    url: `${gatewayUrl}/api/orders`,
    method: 'POST' as const,
    setupRequest: (request) => {
      const turn = next++;
      const user = users[turn % users.length]!;
      return {
        ...request,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
        body: JSON.stringify({ items: [{ productId, quantity: (turn % 3) + 1 }] }),
      };
    },
    onResponse: (status, body) => {
      if (status !== 201) return;
      const order = JSON.parse(body) as { items: { productId: string; quantity: number }[] };
      onConfirmed(order.items.reduce((sum, item) => sum + item.quantity, 0));
    },
  };
}

/** Waits (up to 15 s) until no order is pending: every placement has been confirmed or given up. */
async function settled(db: pg.Client): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const { rows } = await db.query<{ pending: string }>(
      "SELECT count(*) AS pending FROM orders.orders WHERE status = 'pending'",
    );
    if (Number(rows[0]!.pending) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
