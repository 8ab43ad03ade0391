// HTTP shapes of the catalog routes (CONTRACT.md, public API): validation, fast serialization and the OpenAPI
// document all come from these; the TypeScript types are derived from them.
import Type, { type Static } from 'typebox';

export const productSchema = Type.Object(
  {
    id: Type.String(),
    sku: Type.String(),
    name: Type.String(),
    description: Type.String(),
    priceCents: Type.Integer({ description: 'Unit price in the smallest unit of `currency`' }),
    currency: Type.String({ description: 'ISO 4217 code, e.g. EUR' }),
    stock: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type Product = Static<typeof productSchema>;

export const productListSchema = Type.Object({ items: Type.Array(productSchema) }, { additionalProperties: false });
export type ProductList = Static<typeof productListSchema>;

export const productParamsSchema = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);
