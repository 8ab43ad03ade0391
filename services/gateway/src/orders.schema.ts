// HTTP shapes of the orders routes (docs/contract.md, public API): validation, fast serialization and the OpenAPI
// document all come from these; the TypeScript types are derived from them.
import Type, { type Static } from 'typebox';
import { cents, currency, int32, pathId, uuid } from './api-bounds.js';

export const ORDER_STATUSES = ['confirmed', 'cancelled'] as const;

/** One request's work stays small: at most this many lines, each at most this many pieces (fits int32). */
export const MAX_ORDER_LINES = 100;
export const MAX_LINE_QUANTITY = 1_000_000;

export const orderSchema = Type.Object(
  {
    id: uuid(),
    status: Type.Enum(ORDER_STATUSES, { type: 'string' }),
    items: Type.Array(
      Type.Object(
        {
          productId: uuid(),
          quantity: int32(1, { maximum: MAX_LINE_QUANTITY }),
          unitPriceCents: cents('Unit price when the order was placed'),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: MAX_ORDER_LINES },
    ),
    totalCents: cents('Sum of quantity x unit price over the items'),
    currency: currency('ISO 4217 code of every amount in the order'),
    createdAt: Type.String({ format: 'date-time', minLength: 20, maxLength: 35 }),
  },
  { additionalProperties: false },
);
export type Order = Static<typeof orderSchema>;

export const orderListSchema = Type.Object(
  { items: Type.Array(orderSchema, { maxItems: 10_000 }) },
  { additionalProperties: false },
);
export type OrderList = Static<typeof orderListSchema>;

export const placeOrderBodySchema = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          productId: Type.String({ minLength: 1, maxLength: 100, pattern: '^\\S+$' }),
          quantity: int32(1, { maximum: MAX_LINE_QUANTITY }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: MAX_ORDER_LINES },
    ),
  },
  { additionalProperties: false },
);

export const placeOrderHeadersSchema = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      // what an HTTP header value can carry anyway: visible ASCII and spaces
      pattern: '^[\\x20-\\x7e]+$',
      description: 'The same key again from the same user returns the same order and reserves nothing more',
    }),
  ),
});

export const orderParamsSchema = Type.Object({ id: pathId }, { additionalProperties: false });
