// HTTP shapes of the catalog routes (docs/contract.md, public API): validation, fast serialization and the OpenAPI
// document all come from these; the TypeScript types are derived from them.
import Type, { type Static } from 'typebox';
import { cents, currency, int32, pathId, text, uuid } from './api-bounds.js';

export const productSchema = Type.Object(
  {
    id: uuid(),
    sku: Type.String({
      minLength: 1,
      maxLength: 64,
      pattern: '^[A-Z0-9][A-Z0-9-]*$',
      description: 'e.g. TSHIRT-BLUE-M',
    }),
    name: text(200, 1),
    description: text(4_000),
    priceCents: cents('Unit price in the smallest unit of `currency`'),
    currency: currency('ISO 4217 code, e.g. EUR'),
    stock: int32(0),
  },
  { additionalProperties: false },
);
export type Product = Static<typeof productSchema>;

export const productListSchema = Type.Object(
  { items: Type.Array(productSchema, { maxItems: 10_000 }) },
  { additionalProperties: false },
);
export type ProductList = Static<typeof productListSchema>;

export const productParamsSchema = Type.Object({ id: pathId }, { additionalProperties: false });
