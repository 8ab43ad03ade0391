import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  InsufficientStockError,
  InvalidRequestError,
  ProductNotFoundError,
  ReservationConflictError,
  ReservationReleasedError,
} from './products.errors.js';
import type { ProductsRepository, Reservation, ReserveOutcome } from './products.repository.js';
import { ProductsService } from './products.service.js';

// Storage is exercised against real databases in test/; here a repository answers with a fixed outcome and
// records whether it was asked at all, to pin down the rules the service applies before and after storage.
function serviceAnswering(outcome?: ReserveOutcome) {
  const calls: string[] = [];
  const repository = {
    findById: async (id: string) => {
      calls.push(`findById ${id}`);
      return undefined;
    },
    reserve: async () => {
      calls.push('reserve');
      if (!outcome) throw new Error('no outcome configured');
      return outcome;
    },
  } as unknown as ProductsRepository;
  return { service: new ProductsService(repository), calls };
}

const a = randomUUID();
const b = randomUUID();
const existing = (overrides: Partial<Reservation> = {}): ReserveOutcome => ({
  kind: 'exists',
  reservation: {
    id: 'order-1',
    userId: 'user-1',
    status: 'reserved',
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
      service.reserveStock('user-1', 'order-1', [{ productId: 'does-not-exist-0000', quantity: 1 }]),
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
    await expect(service.reserveStock('user-1', reservationId, lines)).rejects.toBeInstanceOf(InvalidRequestError);
    expect(calls).toEqual([]);
  });

  it('answers a repeat with the same lines in any order with the first reservation', async () => {
    const outcome = existing();
    const { service } = serviceAnswering(outcome);
    const lines = await service.reserveStock('user-1', 'order-1', [
      { productId: b, quantity: 1 },
      { productId: a.toUpperCase(), quantity: 2 },
    ]);
    expect(lines).toEqual(outcome.kind === 'exists' && outcome.reservation.lines);
  });

  const sameLines = [
    { productId: a, quantity: 2 },
    { productId: b, quantity: 1 },
  ];
  it.each([
    [
      'other quantities',
      existing(),
      'user-1',
      [sameLines[0]!, { productId: b, quantity: 2 }],
      ReservationConflictError,
    ],
    ['fewer lines', existing(), 'user-1', [sameLines[0]!], ReservationConflictError],
    ['another user', existing(), 'user-2', sameLines, ReservationConflictError],
    ['a released reservation', existing({ status: 'released' }), 'user-1', sameLines, ReservationReleasedError],
  ])('refuses a repeat with %s', async (_, outcome, userId, lines, expected) => {
    const { service } = serviceAnswering(outcome);
    await expect(service.reserveStock(userId, 'order-1', lines)).rejects.toBeInstanceOf(expected);
  });

  it('reports which product lacks stock', async () => {
    const { service } = serviceAnswering({ kind: 'insufficient-stock', productId: b, requested: 5, available: 2 });
    await expect(service.reserveStock('user-1', 'order-1', [{ productId: b, quantity: 5 }])).rejects.toMatchObject(
      new InsufficientStockError(b, 5, 2),
    );
  });
});
