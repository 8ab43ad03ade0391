// kill -9 of each service in turn while several users place orders (most without an Idempotency-Key) and cancel
// some: every answer is a clear one, the launcher brings the service back, and once the recovery window has passed
// the stock books balance: for every product, the units taken from stock are exactly the units of confirmed orders,
// no hold is left, and the platform serves again. The bounds are shortened by config so the window is seconds.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, newUser } from '../src/http-client.js';
import { openStockBooks, type StockBooks } from '../src/stock-ledger.js';
import { preferredDatabase, startTestPlatform, type TestPlatform } from '../src/test-platform.js';

const BOUNDS = {
  // catalog gives back an unconfirmed hold 5 s after it was made, looking every 300 ms
  STOCK_HOLD_TTL_MS: '5000',
  STOCK_HOLD_SWEEP_INTERVAL_MS: '300',
  // orders settles a placement or cancel 4 s after it began, looking every 300 ms (a healthy placement takes
  // milliseconds; on a loaded 2-core runner a few seconds, and one that outlives its lease fails safely)
  PLACEMENT_LEASE_MS: '4000',
  RECOVERY_INTERVAL_MS: '300',
};
/** Generous: the bound is a few seconds; a loaded 2-core runner restarting a service takes longer. */
const SETTLE_TIMEOUT_MS = 60_000;
const USERS = 6;

let platform: TestPlatform;
let books: StockBooks;
let baseline: Map<string, number>;
let users: Awaited<ReturnType<typeof newUser>>[];
let productIds: string[];
const api = createApiClient(() => platform.gatewayUrl);

beforeAll(async () => {
  // needs a PostgreSQL that survives a client killed inside a transaction: a real one (see the embedded server's README)
  platform = await startTestPlatform({ database: preferredDatabase(), env: BOUNDS });
  books = openStockBooks(platform.databaseUrl);
  // one at a time: password hashing is meant to be slow, and six at once on a busy 2-core runner outlast the gateway
  users = [];
  for (let i = 0; i < USERS; i++) users.push(await newUser(api, `shopper-${i}`));
  productIds = (await api('GET', '/api/catalog/products')).json.items.map((product: { id: string }) => product.id);
  // nothing is ordered yet: the stock now is what every later count is measured from
  baseline = await books.stock();
}, 180_000);

afterAll(async () => {
  await books?.close();
  await platform?.close();
});

interface Load {
  /** HTTP status of every answer, 0 for a connection that failed (the gateway itself gone). */
  statuses: number[];
  placed: number;
}

/** Every user places orders in a loop (two in three without an Idempotency-Key) and cancels some, until stopped. */
function startLoad(): { load: Load; stop: () => Promise<Load> } {
  const load: Load = { statuses: [], placed: 0 };
  let running = true;
  const call = async (...args: Parameters<typeof api>) => {
    try {
      const response = await api(...args);
      load.statuses.push(response.status);
      return response;
    } catch {
      load.statuses.push(0);
      await sleep(50);
      return undefined;
    }
  };
  const shopper = async (user: (typeof users)[number], index: number) => {
    for (let round = 0; running; round++) {
      const productId = productIds[(index + round) % productIds.length]!;
      const headers: Record<string, string> = round % 3 === 0 ? { 'idempotency-key': randomUUID() } : {};
      const placed = await call('POST', '/api/orders', {
        token: user.accessToken,
        body: { items: [{ productId, quantity: 1 + (round % 2) }] },
        headers,
      });
      if (placed?.status !== 201) continue;
      load.placed++;
      if (round % 4 === 1) {
        await call('POST', `/api/orders/${placed.json.id}/cancel`, { token: user.accessToken });
      }
    }
  };
  const shoppers = users.map((user, index) => shopper(user, index));
  return {
    load,
    async stop() {
      running = false;
      await Promise.all(shoppers);
      return load;
    },
  };
}

/** Polls until nothing is unsettled, then holds the books to balancing. */
async function expectBooksToBalance(): Promise<void> {
  await expect
    .poll(
      async () => {
        const ledger = await books.read(baseline);
        return ledger.unsettledOrders + ledger.heldReservations;
      },
      { timeout: SETTLE_TIMEOUT_MS, interval: 250 },
    )
    .toBe(0);
  const ledger = await books.read(baseline);
  expect(ledger.taken).toEqual(ledger.ordered);
  expect(ledger.mismatched).toEqual([]);
}

describe.each(['orders', 'catalog', 'auth', 'gateway'])('%s killed with SIGKILL under load', (victim) => {
  it('answers every request clearly, comes back, and keeps no stock for orders that do not stand', async () => {
    const load = startLoad();
    // the load is flowing (orders are being placed) when the process dies, and goes on while it is away
    await expect.poll(() => load.load.placed, { timeout: 30_000 }).toBeGreaterThanOrEqual(USERS);
    await platform.kill(victim, 'SIGKILL');
    await sleep(2_000);
    const { statuses } = await load.stop();
    await platform.waitReady(victim);

    // a fault is a 503/504 (or, with the gateway gone, no connection), never a 500 or a silent success
    const unexpected = statuses.filter((status) => ![0, 200, 201, 409, 503, 504].includes(status));
    expect(unexpected).toEqual([]);
    if (victim !== 'gateway') expect(statuses).not.toContain(0);

    await expectBooksToBalance();
  });
});

describe('after every service was killed', () => {
  it('serves again: logs in, places and cancels an order, stock shown at once', async () => {
    const [user] = users;
    const login = await api('POST', '/api/auth/login', { body: { email: user!.email, password: user!.password } });
    expect(login.status).toBe(200);
    const productId = productIds[0]!;
    const before = (await api('GET', `/api/catalog/products/${productId}`)).json.stock as number;
    const order = await api('POST', '/api/orders', {
      token: login.json.accessToken,
      body: { items: [{ productId, quantity: 2 }] },
    });
    expect(order.status).toBe(201);
    expect((await api('GET', `/api/catalog/products/${productId}`)).json.stock).toBe(before - 2);
    const cancel = await api('POST', `/api/orders/${order.json.id}/cancel`, { token: login.json.accessToken });
    expect(cancel.status).toBe(200);
    expect((await api('GET', `/api/catalog/products/${productId}`)).json.stock).toBe(before);
    await expectBooksToBalance();
  });
});
