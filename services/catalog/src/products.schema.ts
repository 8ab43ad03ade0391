// JSON shapes of the internal HTTP product reads: the same fields as the gateway's public product JSON, serialized
// from these schemas (fast, and nothing the schema does not name leaves).
import Type from 'typebox';

export const productSchema = Type.Object(
  {
    id: Type.String(),
    sku: Type.String(),
    name: Type.String(),
    description: Type.String(),
    priceCents: Type.Integer(),
    currency: Type.String(),
    stock: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);

export const productListSchema = Type.Object({ items: Type.Array(productSchema) }, { additionalProperties: false });

export const productParamsSchema = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);
