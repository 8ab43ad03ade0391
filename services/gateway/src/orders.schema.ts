// HTTP shapes of the orders routes (CONTRACT.md, public API): validation, fast serialization and the OpenAPI
// document all come from these; the TypeScript types are derived from them.
import Type, { type Static } from 'typebox';

export const ORDER_STATUSES = ['confirmed', 'cancelled'] as const;

export const orderSchema = Type.Object(
  {
    id: Type.String(),
    status: Type.Enum(ORDER_STATUSES, { type: 'string' }),
    items: Type.Array(
      Type.Object(
        { productId: Type.String(), quantity: Type.Integer({ minimum: 1 }), unitPriceCents: Type.Integer() },
        { additionalProperties: false },
      ),
    ),
    totalCents: Type.Integer(),
    currency: Type.String({ description: 'ISO 4217 code of every amount in the order' }),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type Order = Static<typeof orderSchema>;

export const orderListSchema = Type.Object({ items: Type.Array(orderSchema) }, { additionalProperties: false });
export type OrderList = Static<typeof orderListSchema>;

// Bounds keep one request's work small; quantity fits the proto's int32.
export const placeOrderBodySchema = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          productId: Type.String({ minLength: 1, maxLength: 100 }),
          quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 100 },
    ),
  },
  { additionalProperties: false },
);

export const placeOrderHeadersSchema = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description: 'The same key again from the same user returns the same order and reserves nothing more',
    }),
  ),
});

export const orderParamsSchema = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);
