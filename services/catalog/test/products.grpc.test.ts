// CatalogService over real grpc-js clients against the built app, on the embedded PostgreSQL and (when
// TEST_DATABASE_URL is set) a real PostgreSQL: reads, the status codes of catalog.proto, who may change stock, and
// stock holds, confirmations and releases.
import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { startTestIssuer, type TestIssuer } from '@platform/auth-kit/testing';
import { createLogger } from '@platform/service-kit';
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from '@platform/test-databases';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type CatalogApp } from '../src/app.js';
import { demoProducts } from '../src/demo-products.js';
import { type CatalogTestClient, connectCatalog } from './catalog-client.js';

describe.each(testDatabaseKinds())('CatalogService on %s', (kind) => {
  let database: TestDatabase;
  let issuer: TestIssuer;
  let app: CatalogApp;
  let client: CatalogTestClient;
  let token: string;

  beforeAll(async () => {
    // the auth service's client-credentials tokens for catalog: audience catalog, typ at+jwt, client_id = sub
    [database, issuer] = await Promise.all([openTestDatabase(kind), startTestIssuer({ audience: 'catalog' })]);
    app = await buildApp(
      {
        HOST: '127.0.0.1',
        GRPC_PORT: 0,
        OPS_PORT: 0,
        DATABASE_URL: database.url,
        SEED_DEMO_DATA: true,
        JWKS_URL: issuer.jwksUrl,
        PUBLIC_URL: issuer.issuer,
        SERVICE_TOKEN_AUDIENCE: issuer.audience,
        STOCK_CLIENTS: 'orders,returns',
        STOCK_HOLD_TTL_MS: 60_000,
        // expiry is driven by the tests (expired holds are made by moving expires_at), not by the clock
        STOCK_HOLD_SWEEP_INTERVAL_MS: 600_000,
        PRODUCT_CACHE: true,
        WATCH_HEARTBEAT_MS: 2_000,
        SHUTDOWN_TIMEOUT_MS: 2_000,
      },
      { logger: createLogger({ service: 'catalog', level: 'silent' }) },
    );
    const { grpc } = await app.listen();
    client = connectCatalog(`127.0.0.1:${grpc}`);
    token = serviceToken('orders');
  }, 120_000);

  afterAll(async () => {
    client?.close();
    await app?.close();
    await Promise.all([issuer?.close(), database?.close()]);
  });

  /** A product of the test's own, so tests never share stock. */
  async function addProduct(stock: number, priceCents = 1000): Promise<string> {
    const id = randomUUID();
    await app.pool.query(
      `INSERT INTO catalog.products (id, sku, name, description, price_cents, currency, stock)
       VALUES ($1, $2, 'Test product', '', $3, 'EUR', $4)`,
      [id, `TEST-${id}`, priceCents, stock],
    );
    // a row written behind the app's back reaches its product cache by notification, a moment later: do not wait for it
    app.productCache?.invalidate();
    return id;
  }

  const stockOf = async (id: string) => (await client.getProduct(id)).product?.stock;
  const serviceToken = (clientId: string, claims: Record<string, unknown> = {}) =>
    issuer.sign({ sub: clientId, client_id: clientId, roles: undefined, ...claims }, { header: { typ: 'at+jwt' } });
  /** One round of the app's stock hold sweeper, now. */
  const sweepNow = () => app.products.expireHolds();
  /** What the sweeper would find once a hold's time is up, without waiting for it. */
  const expire = (reservationId: string) =>
    app.pool.query(`UPDATE catalog.reservations SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      reservationId,
    ]);

  describe('reading', () => {
    it('lists the demo products, ordered by sku', async () => {
      const { products } = await client.listProducts();
      const demo = products.filter((product) => demoProducts.some((d) => d.id === product.id));
      expect(demo).toHaveLength(demoProducts.length);
      const skus = products.map((product) => product.sku);
      expect(skus).toEqual([...skus].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      expect(demo.find((product) => product.sku === 'TSHIRT-BLUE-M')).toEqual({
        id: '12f82d1b-6a96-4942-a67b-cd949caf1691',
        sku: 'TSHIRT-BLUE-M',
        name: 'Organic cotton T-shirt, blue, M',
        description: 'Regular fit, 180 g/m² GOTS-certified organic cotton.',
        priceCents: 2499,
        currency: 'EUR',
        stock: 200,
      });
    });

    it('gets one product by id, in any letter case', async () => {
      const [first] = demoProducts;
      expect((await client.getProduct(first!.id)).product).toEqual(first);
      expect((await client.getProduct(first!.id.toUpperCase())).product?.id).toBe(first!.id);
    });

    it.each([
      'does-not-exist-0000',
      'no-such-product',
      '00000000-0000-0000-0000-000000000000',
      randomUUID(),
      "' OR 1=1 --",
      'x'.repeat(10_000),
    ])('answers NOT_FOUND for the id %#, never INTERNAL', async (id) => {
      await expect(client.getProduct(id)).rejects.toMatchObject({ code: status.NOT_FOUND });
    });

    it('answers INVALID_ARGUMENT for an empty id', async () => {
      await expect(client.getProduct('')).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
    });
  });

  describe('who may change stock', () => {
    it('answers UNAUTHENTICATED without a token, with an end user’s token, or with a bad service token', async () => {
      const productId = await addProduct(5);
      const request = { reservationId: randomUUID(), lines: [{ productId, quantity: 1 }] };
      const users = await startTestIssuer();
      try {
        const rejected = [
          undefined,
          'not-a-jwt',
          // a user's access token, as the gateway forwards it: platform-api audience, signed by a key catalog trusts
          // for nothing else
          users.sign({ sub: 'user-1', roles: ['user'] }),
          // a token of the right issuer that is not a client-credentials token
          issuer.sign({ sub: 'user-1', roles: ['user'] }),
          issuer.sign({ sub: 'orders', client_id: 'orders', aud: 'platform-api' }, { header: { typ: 'at+jwt' } }),
          serviceToken('orders', { exp: Math.floor(Date.now() / 1000) - 120 }),
          serviceToken('orders', { sub: 'someone-else' }),
        ];
        for (const bad of rejected) {
          await expect(client.reserveStock(request, bad)).rejects.toMatchObject({ code: status.UNAUTHENTICATED });
          await expect(client.confirmStock(request.reservationId, bad)).rejects.toMatchObject({
            code: status.UNAUTHENTICATED,
          });
          await expect(client.releaseStock(request.reservationId, bad)).rejects.toMatchObject({
            code: status.UNAUTHENTICATED,
          });
        }
      } finally {
        await users.close();
      }
      expect(await stockOf(productId)).toBe(5);
    });

    it('answers PERMISSION_DENIED to a valid service token of a client not in STOCK_CLIENTS', async () => {
      const productId = await addProduct(5);
      const request = { reservationId: randomUUID(), lines: [{ productId, quantity: 1 }] };
      const intruder = serviceToken('reports');
      await expect(client.reserveStock(request, intruder)).rejects.toMatchObject({ code: status.PERMISSION_DENIED });
      await expect(client.releaseStock(request.reservationId, intruder)).rejects.toMatchObject({
        code: status.PERMISSION_DENIED,
      });
      expect(await stockOf(productId)).toBe(5);
      // every client of the list is let in
      await client.reserveStock(request, serviceToken('returns'));
      expect(await stockOf(productId)).toBe(4);
    });

    it('lets reads through without a token', async () => {
      await expect(client.listProducts()).resolves.toBeDefined();
    });
  });

  describe('holding and confirming', () => {
    it('holds stock until expires_at, confirms it, and keeps it taken until released', async () => {
      const productId = await addProduct(10);
      const reservationId = randomUUID();
      const before = Date.now();
      const held = await client.reserveStock({ reservationId, lines: [{ productId, quantity: 3 }] }, token);
      // the hold lasts STOCK_HOLD_TTL_MS (60 s here), by the database's clock
      expect(held.expiresAt!.getTime()).toBeGreaterThan(before + 50_000);
      expect(held.expiresAt!.getTime()).toBeLessThan(Date.now() + 70_000);
      expect(await stockOf(productId)).toBe(7);

      expect(await client.confirmStock(reservationId, token)).toEqual({ confirmed: true });
      expect(await client.confirmStock(reservationId, token)).toEqual({ confirmed: false });
      expect(await stockOf(productId)).toBe(7);
      // a repeat of the reservation now answers as confirmed: no expiry any more
      const repeat = await client.reserveStock({ reservationId, lines: [{ productId, quantity: 3 }] }, token);
      expect(repeat.expiresAt).toBeUndefined();
      expect(repeat.lines).toEqual(held.lines);

      // a confirmed reservation does not expire, whatever its old expiry said
      await expire(reservationId);
      await sweepNow();
      expect(await stockOf(productId)).toBe(7);

      expect(await client.releaseStock(reservationId, token)).toEqual({ released: true });
      expect(await stockOf(productId)).toBe(10);
      await expect(client.confirmStock(reservationId, token)).rejects.toMatchObject({
        code: status.FAILED_PRECONDITION,
      });
    });

    it('refuses to confirm an expired hold, gives its stock back, and refuses its id for good', async () => {
      const productId = await addProduct(10);
      const reservationId = randomUUID();
      await client.reserveStock({ reservationId, lines: [{ productId, quantity: 4 }] }, token);
      expect(await stockOf(productId)).toBe(6);
      await expire(reservationId);

      await expect(client.confirmStock(reservationId, token)).rejects.toMatchObject({
        code: status.FAILED_PRECONDITION,
      });
      // the failed confirmation did not wait for the sweeper
      expect(await stockOf(productId)).toBe(10);
      await expect(
        client.reserveStock({ reservationId, lines: [{ productId, quantity: 4 }] }, token),
      ).rejects.toMatchObject({ code: status.FAILED_PRECONDITION });
      expect(await client.releaseStock(reservationId, token)).toEqual({ released: false });
      expect(await stockOf(productId)).toBe(10);
    });

    it('answers NOT_FOUND to a confirmation of an id never reserved, INVALID_ARGUMENT to an empty one', async () => {
      await expect(client.confirmStock(randomUUID(), token)).rejects.toMatchObject({ code: status.NOT_FOUND });
      await expect(client.confirmStock('', token)).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
    });

    it('takes stock from expired holds not swept yet instead of answering not enough stock', async () => {
      const productId = await addProduct(5);
      const abandoned = randomUUID();
      await client.reserveStock({ reservationId: abandoned, lines: [{ productId, quantity: 5 }] }, token);
      await expire(abandoned);
      expect(await stockOf(productId)).toBe(0);

      const next = await client.reserveStock(
        { reservationId: randomUUID(), lines: [{ productId, quantity: 2 }] },
        token,
      );
      expect(next.lines[0]?.quantity).toBe(2);
      expect(await stockOf(productId)).toBe(3);
    });
  });

  describe('reserving and releasing', () => {
    it('lowers stock, answers the lines in request order priced at reservation, and releases them once', async () => {
      const cheap = await addProduct(10, 250);
      const dear = await addProduct(10, 9900);
      const reservationId = randomUUID();
      const response = await client.reserveStock(
        {
          reservationId,
          lines: [
            { productId: dear, quantity: 3 },
            { productId: cheap, quantity: 2 },
          ],
        },
        token,
      );
      expect(response).toEqual({
        reservationId,
        lines: [
          { productId: dear, quantity: 3, unitPriceCents: 9900, currency: 'EUR' },
          { productId: cheap, quantity: 2, unitPriceCents: 250, currency: 'EUR' },
        ],
        expiresAt: expect.any(Date),
      });
      expect([await stockOf(dear), await stockOf(cheap)]).toEqual([7, 8]);

      expect(await client.releaseStock(reservationId, token)).toEqual({ released: true });
      expect([await stockOf(dear), await stockOf(cheap)]).toEqual([10, 10]);
      expect(await client.releaseStock(reservationId, token)).toEqual({ released: false });
      expect([await stockOf(dear), await stockOf(cheap)]).toEqual([10, 10]);

      // a released reservation cannot be taken again
      await expect(
        client.reserveStock({ reservationId, lines: [{ productId: dear, quantity: 3 }] }, token),
      ).rejects.toMatchObject({ code: status.FAILED_PRECONDITION });
      expect(await stockOf(dear)).toBe(10);
    });

    it('is idempotent per reservation id: a repeat reserves nothing more and keeps the first prices', async () => {
      const productId = await addProduct(10, 1500);
      const request = { reservationId: randomUUID(), lines: [{ productId, quantity: 4 }] };
      const first = await client.reserveStock(request, token);
      await app.pool.query('UPDATE catalog.products SET price_cents = 1800 WHERE id = $1', [productId]);
      const again = await client.reserveStock(request, token);
      expect(again).toEqual(first);
      expect(again.lines[0]?.unitPriceCents).toBe(1500);
      expect(await stockOf(productId)).toBe(6);
    });

    it('reserves once when the same reservation id arrives many times at once', async () => {
      const productId = await addProduct(50);
      const request = { reservationId: randomUUID(), lines: [{ productId, quantity: 5 }] };
      const results = await Promise.all(Array.from({ length: 10 }, () => client.reserveStock(request, token)));
      for (const result of results) expect(result).toEqual(results[0]);
      expect(await stockOf(productId)).toBe(45);
    });

    it('answers ALREADY_EXISTS for a reservation id reused with other lines', async () => {
      const productId = await addProduct(10);
      const reservationId = randomUUID();
      await client.reserveStock({ reservationId, lines: [{ productId, quantity: 1 }] }, token);
      await expect(
        client.reserveStock({ reservationId, lines: [{ productId, quantity: 2 }] }, token),
      ).rejects.toMatchObject({ code: status.ALREADY_EXISTS });
      expect(await stockOf(productId)).toBe(9);
    });

    it('releases an unknown reservation with released=false and then refuses to reserve under that id', async () => {
      const productId = await addProduct(10);
      const reservationId = randomUUID();
      expect(await client.releaseStock(reservationId, token)).toEqual({ released: false });
      // a reservation that was still in flight when its caller gave up and released it takes no stock afterwards
      await expect(
        client.reserveStock({ reservationId, lines: [{ productId, quantity: 1 }] }, token),
      ).rejects.toMatchObject({ code: status.FAILED_PRECONDITION });
      expect(await stockOf(productId)).toBe(10);
    });

    it('is all or nothing: a second line short of stock leaves the first untouched', async () => {
      const plenty = await addProduct(10);
      const scarce = await addProduct(1);
      const reservationId = randomUUID();
      const error = await client
        .reserveStock(
          {
            reservationId,
            lines: [
              { productId: plenty, quantity: 2 },
              { productId: scarce, quantity: 2 },
            ],
          },
          token,
        )
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: status.FAILED_PRECONDITION });
      expect((error as Error).message).toContain(scarce);
      expect([await stockOf(plenty), await stockOf(scarce)]).toEqual([10, 1]);
      // the failed attempt used nothing up: the same id works once the request fits
      await client.reserveStock({ reservationId, lines: [{ productId: plenty, quantity: 2 }] }, token);
      expect(await stockOf(plenty)).toBe(8);
    });

    it('answers NOT_FOUND for a line naming no product, and reserves nothing', async () => {
      const productId = await addProduct(10);
      for (const missing of [randomUUID(), 'no-such-product']) {
        await expect(
          client.reserveStock(
            {
              reservationId: randomUUID(),
              lines: [
                { productId, quantity: 1 },
                { productId: missing, quantity: 1 },
              ],
            },
            token,
          ),
        ).rejects.toMatchObject({ code: status.NOT_FOUND });
      }
      expect(await stockOf(productId)).toBe(10);
    });

    it('answers INVALID_ARGUMENT for malformed requests', async () => {
      const productId = await addProduct(10);
      const line = { productId, quantity: 1 };
      const malformed = [
        { reservationId: '', lines: [line] },
        { reservationId: randomUUID(), lines: [] },
        { reservationId: randomUUID(), lines: [{ productId, quantity: 0 }] },
        { reservationId: randomUUID(), lines: [{ productId, quantity: -3 }] },
        { reservationId: randomUUID(), lines: [line, line] },
        { reservationId: randomUUID(), lines: [line, { productId: productId.toUpperCase(), quantity: 1 }] },
        { reservationId: randomUUID(), lines: [{ productId: '', quantity: 1 }] },
        { reservationId: 'r'.repeat(201), lines: [line] },
      ];
      for (const request of malformed) {
        await expect(client.reserveStock(request, token)).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
      }
      await expect(client.releaseStock('', token)).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
      await expect(client.confirmStock('r'.repeat(201), token)).rejects.toMatchObject({
        code: status.INVALID_ARGUMENT,
      });
      expect(await stockOf(productId)).toBe(10);
    });
  });

  describe('under concurrency', () => {
    it('never oversells: of 50 reservations at once for a stock of 20, exactly 20 succeed', async () => {
      const productId = await addProduct(20);
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, () =>
          client.reserveStock({ reservationId: randomUUID(), lines: [{ productId, quantity: 1 }] }, token),
        ),
      );
      const refused = results.filter((result) => result.status === 'rejected');
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(20);
      expect(refused).toHaveLength(30);
      for (const result of refused) expect(result.reason).toMatchObject({ code: status.FAILED_PRECONDITION });
      expect(await stockOf(productId)).toBe(0);
      const { rows } = await app.pool.query<{ reserved: string }>(
        'SELECT sum(quantity) AS reserved FROM catalog.reservation_lines WHERE product_id = $1',
        [productId],
      );
      expect(Number(rows[0]?.reserved)).toBe(20);
    });

    it('neither oversells nor deadlocks when orders name the same products in opposite orders', async () => {
      const a = await addProduct(15);
      const b = await addProduct(15);
      const results = await Promise.allSettled(
        Array.from({ length: 40 }, (_, i) =>
          client.reserveStock(
            {
              reservationId: randomUUID(),
              lines:
                i % 2 === 0
                  ? [
                      { productId: a, quantity: 1 },
                      { productId: b, quantity: 1 },
                    ]
                  : [
                      { productId: b, quantity: 1 },
                      { productId: a, quantity: 1 },
                    ],
            },
            token,
          ),
        ),
      );
      const refused = results.filter((result) => result.status === 'rejected');
      for (const result of refused) expect(result.reason).toMatchObject({ code: status.FAILED_PRECONDITION });
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(15);
      expect([await stockOf(a), await stockOf(b)]).toEqual([0, 0]);
    });

    it('puts stock back exactly once when one reservation is released many times at once', async () => {
      const productId = await addProduct(10);
      const reservationId = randomUUID();
      await client.reserveStock({ reservationId, lines: [{ productId, quantity: 4 }] }, token);
      const results = await Promise.all(Array.from({ length: 10 }, () => client.releaseStock(reservationId, token)));
      expect(results.filter((result) => result.released)).toHaveLength(1);
      expect(await stockOf(productId)).toBe(10);
    });
  });
});
