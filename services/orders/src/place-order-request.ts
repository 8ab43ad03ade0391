// What PlaceOrder accepts: validates the asked-for items, merges a product listed twice, and fingerprints the
// result so a retry with the same idempotency key can be told from a different order reusing it.
import { createHash } from 'node:crypto';
import { InvalidOrderError } from './orders.errors.js';
import type { OrderLine } from './orders.types.js';

export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
/** int32 on the wire, to catalog too: a merged quantity must still fit. */
const MAX_QUANTITY = 2_147_483_647;

export interface PlaceOrderInput {
  items: readonly OrderLine[];
  idempotencyKey?: string | undefined;
}

export interface PlaceOrderRequest {
  /** One line per product, in order of first appearance, quantities added up. */
  lines: OrderLine[];
  idempotencyKey: string | undefined;
  fingerprint: string;
}

export function parsePlaceOrderRequest({ items, idempotencyKey }: PlaceOrderInput): PlaceOrderRequest {
  if (items.length === 0) throw new InvalidOrderError('An order needs at least one item');
  if (idempotencyKey !== undefined && (idempotencyKey === '' || idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH)) {
    throw new InvalidOrderError(`The idempotency key must have 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`);
  }
  const merged = new Map<string, number>();
  for (const { productId, quantity } of items) {
    if (productId.trim() === '') throw new InvalidOrderError('Every item needs a product id');
    if (!Number.isInteger(quantity) || quantity < 1) {
      throw new InvalidOrderError(`The quantity of product ${productId} must be at least 1`);
    }
    const total = (merged.get(productId) ?? 0) + quantity;
    if (total > MAX_QUANTITY) throw new InvalidOrderError(`The quantity of product ${productId} is too large`);
    merged.set(productId, total);
  }
  const lines = [...merged].map(([productId, quantity]) => ({ productId, quantity }));
  return { lines, idempotencyKey, fingerprint: fingerprintOf(lines) };
}

/** The same products and quantities give the same fingerprint, whatever their order or duplicates in the request. */
function fingerprintOf(lines: readonly OrderLine[]): string {
  const canonical = [...lines]
    .sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0))
    .map(({ productId, quantity }) => [productId, quantity]);
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}
