import { describe, expect, it } from 'vitest';
import { InvalidOrderError } from './orders.errors.js';
import { parsePlaceOrderRequest } from './place-order-request.js';

describe('parsePlaceOrderRequest', () => {
  it('merges a product listed twice, keeping the order of first appearance', () => {
    const request = parsePlaceOrderRequest({
      items: [
        { productId: 'b', quantity: 1 },
        { productId: 'a', quantity: 2 },
        { productId: 'b', quantity: 3 },
      ],
    });
    expect(request.lines).toEqual([
      { productId: 'b', quantity: 4 },
      { productId: 'a', quantity: 2 },
    ]);
    expect(request.idempotencyKey).toBeUndefined();
  });

  it('fingerprints the same products and quantities alike, whatever their order or splitting', () => {
    const one = parsePlaceOrderRequest({
      items: [
        { productId: 'a', quantity: 2 },
        { productId: 'b', quantity: 1 },
      ],
    });
    const same = parsePlaceOrderRequest({
      items: [
        { productId: 'b', quantity: 1 },
        { productId: 'a', quantity: 1 },
        { productId: 'a', quantity: 1 },
      ],
    });
    const other = parsePlaceOrderRequest({
      items: [
        { productId: 'a', quantity: 3 },
        { productId: 'b', quantity: 1 },
      ],
    });
    expect(same.fingerprint).toBe(one.fingerprint);
    expect(other.fingerprint).not.toBe(one.fingerprint);
  });

  it.each([
    ['no items', { items: [] }],
    ['a quantity of 0', { items: [{ productId: 'a', quantity: 0 }] }],
    ['a fractional quantity', { items: [{ productId: 'a', quantity: 1.5 }] }],
    ['a blank product id', { items: [{ productId: '  ', quantity: 1 }] }],
    [
      'merged quantities beyond int32',
      {
        items: [
          { productId: 'a', quantity: 2_000_000_000 },
          { productId: 'a', quantity: 2_000_000_000 },
        ],
      },
    ],
    ['an empty idempotency key', { items: [{ productId: 'a', quantity: 1 }], idempotencyKey: '' }],
    [
      'an idempotency key over 255 characters',
      { items: [{ productId: 'a', quantity: 1 }], idempotencyKey: 'k'.repeat(256) },
    ],
  ])('rejects %s', (_name, input) => {
    expect(() => parsePlaceOrderRequest(input)).toThrow(InvalidOrderError);
  });

  it('accepts an idempotency key of 255 characters', () => {
    const key = 'k'.repeat(255);
    expect(
      parsePlaceOrderRequest({ items: [{ productId: 'a', quantity: 1 }], idempotencyKey: key }).idempotencyKey,
    ).toBe(key);
  });
});
