import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  InsufficientStockError,
  InvalidRequestError,
  ProductNotFoundError,
  ReservationConflictError,
  ReservationExpiredError,
  ReservationNotFoundError,
  ReservationReleasedError,
} from './products.errors.js';
import type { ConfirmOutcome, ExpiredHoldsFilter, ProductsRepository, ReserveOutcome } from './products.repository.js';
import { createProductsService } from './products.service.js';
import type { Reservation } from './products.types.js';

// Storage is exercised against real databases in test/; here a repository answers with fixed outcomes (one per
// call, the last one repeating) and records what it was asked, to pin down the rules the service applies before
// and after storage.
function serviceAnswering(
  outcomes: ReserveOutcome | ReserveOutcome[] = [],
  { expired = 0, confirmed = 'confirmed' as ConfirmOutcome } = {},
) {
  const calls: string[] = [];
  const reserveOutcomes = [outcomes].flat();
  const repository = {
    findById: async (id: string) => {
      calls.push(`findById ${id}`);
      return undefined;
    },
    reserve: async (_id: string, _by: string, _lines: unknown, holdMs: number) => {
      calls.push(`reserve ${holdMs}`);
      const outcome = reserveOutcomes.length > 1 ? reserveOutcomes.shift() : reserveOutcomes[0];
      if (!outcome) throw new Error('no outcome configured');
      return outcome;
    },
    confirm: async (id: string) => {
      calls.push(`confirm ${id}`);
      return confirmed;
    },
    expireHolds: async (filter: ExpiredHoldsFilter) => {
      calls.push(`expireHolds ${JSON.stringify(filter)}`);
      return expired;
    },
  } as unknown as ProductsRepository;
  return { service: createProductsService(repository, { holdMs: 30_000 }), calls };
}

const a = randomUUID();
const b = randomUUID();
const existing = (overrides: Partial<Reservation> = {}): ReserveOutcome => ({
  kind: 'exists',
  reservation: {
    id: 'order-1',
    createdBy: 'orders',
    status: 'held',
    expiresAt: new Date('2030-01-01T00:00:00Z'),
    lines: [
      { productId: a, quantity: 2, unitPriceCents: 100, currency: 'EUR' },
      { productId: b, quantity: 1, unitPriceCents: 500, currency: 'EUR' },
    ],
    ...overrides,
  },
});

describe('ProductsService', () => {
  it('answers a malformed product id as not found without asking storage', async () => {
    const { service, calls } = serviceAnswering();
    await expect(service.getProduct('no-such-product')).rejects.toBeInstanceOf(ProductNotFoundError);
    await expect(service.getProduct('')).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(
      service.reserveStock('orders', 'order-1', [{ productId: 'does-not-exist-0000', quantity: 1 }]),
    ).rejects.toBeInstanceOf(ProductNotFoundError);
    expect(calls).toEqual([]);
  });

  it('looks a product up by its lower-case id', async () => {
    const { service, calls } = serviceAnswering();
    await expect(service.getProduct(a.toUpperCase())).rejects.toBeInstanceOf(ProductNotFoundError);
    expect(calls).toEqual([`findById ${a}`]);
  });

  it.each([
    ['an empty reservation id', '', [{ productId: a, quantity: 1 }]],
    ['no lines', 'order-1', []],
    ['a zero quantity', 'order-1', [{ productId: a, quantity: 0 }]],
    ['a fractional quantity', 'order-1', [{ productId: a, quantity: 1.5 }]],
    [
      'a product twice, in different letter case',
      'order-1',
      [
        { productId: a, quantity: 1 },
        { productId: a.toUpperCase(), quantity: 1 },
      ],
    ],
    ['too many lines', 'order-1', Array.from({ length: 101 }, () => ({ productId: randomUUID(), quantity: 1 }))],
  ])('refuses %s before storage', async (_, reservationId, lines) => {
    const { service, calls } = serviceAnswering();
    await expect(service.reserveStock('orders', reservationId, lines)).rejects.toBeInstanceOf(InvalidRequestError);
    expect(calls).toEqual([]);
  });

  it('answers a repeat with the same lines in any order with the first reservation', async () => {
    const outcome = existing();
    const { service } = serviceAnswering(outcome);
    const hold = await service.reserveStock('orders', 'order-1', [
      { productId: b, quantity: 1 },
      { productId: a.toUpperCase(), quantity: 2 },
    ]);
    expect(hold).toEqual(
      outcome.kind === 'exists' && { lines: outcome.reservation.lines, expiresAt: outcome.reservation.expiresAt },
    );
  });

  it('holds for the configured time', async () => {
    const { service, calls } = serviceAnswering(existing());
    await service.reserveStock('orders', 'order-1', [
      { productId: a, quantity: 2 },
      { productId: b, quantity: 1 },
    ]);
    expect(calls).toEqual(['reserve 30000']);
  });

  const sameLines = [
    { productId: a, quantity: 2 },
    { productId: b, quantity: 1 },
  ];
  it.each([
    ['other quantities', existing(), [sameLines[0]!, { productId: b, quantity: 2 }], ReservationConflictError],
    ['fewer lines', existing(), [sameLines[0]!], ReservationConflictError],
    ['a released reservation', existing({ status: 'released' }), sameLines, ReservationReleasedError],
    ['an expired reservation', existing({ status: 'expired' }), sameLines, ReservationExpiredError],
  ])('refuses a repeat with %s', async (_, outcome, lines, expected) => {
    const { service } = serviceAnswering(outcome);
    await expect(service.reserveStock('orders', 'order-1', lines)).rejects.toBeInstanceOf(expected);
  });

  const short: ReserveOutcome = { kind: 'insufficient-stock', productId: b, requested: 5, available: 2 };

  it('reports which product lacks stock, after looking for expired holds of that product', async () => {
    const { service, calls } = serviceAnswering(short);
    await expect(service.reserveStock('orders', 'order-1', [{ productId: b, quantity: 5 }])).rejects.toMatchObject(
      new InsufficientStockError(b, 5, 2),
    );
    expect(calls).toEqual(['reserve 30000', `expireHolds {"limit":100,"productIds":["${b}"]}`]);
  });

  it('tries once more when expired holds of the short product gave stock back', async () => {
    const { service, calls } = serviceAnswering([short, existing()], { expired: 2 });
    await expect(service.reserveStock('orders', 'order-1', sameLines)).resolves.toMatchObject({ lines: sameLines });
    expect(calls.filter((call) => call.startsWith('reserve'))).toHaveLength(2);
  });
});

describe('ProductsService.confirmStock', () => {
  it('answers true when it confirmed the hold and false when it was confirmed already', async () => {
    expect(await serviceAnswering([], { confirmed: 'confirmed' }).service.confirmStock('order-1')).toBe(true);
    expect(await serviceAnswering([], { confirmed: 'already-confirmed' }).service.confirmStock('order-1')).toBe(false);
  });

  it.each([
    ['unknown', ReservationNotFoundError],
    ['released', ReservationReleasedError],
    ['expired', ReservationExpiredError],
  ] as const)('refuses a reservation that is %s', async (outcome, expected) => {
    const { service } = serviceAnswering([], { confirmed: outcome });
    await expect(service.confirmStock('order-1')).rejects.toBeInstanceOf(expected);
  });

  it('gives an expired hold’s stock back at once rather than at the next sweep', async () => {
    const { service, calls } = serviceAnswering([], { confirmed: 'expired' });
    await expect(service.confirmStock('order-1')).rejects.toBeInstanceOf(ReservationExpiredError);
    expect(calls).toEqual(['confirm order-1', 'expireHolds {"limit":1,"reservationIds":["order-1"]}']);
  });

  it('refuses an empty or over-long id before storage', async () => {
    const { service, calls } = serviceAnswering();
    await expect(service.confirmStock('')).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(service.confirmStock('r'.repeat(201))).rejects.toBeInstanceOf(InvalidRequestError);
    expect(calls).toEqual([]);
  });
});
