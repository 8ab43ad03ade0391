// The bounds the public API's schemas share, named once: each string is limited and shaped, each integer has a
// format and a range (the OWASP API rules the OpenAPI document is linted with), and they match what the services
// store (uuid keys, ISO 4217 codes, int64 amounts that stay exact in JSON).
import Type from 'typebox';

export const uuid = (options: { description?: string } = {}) =>
  Type.String({ format: 'uuid', minLength: 36, maxLength: 36, ...options });

export const currency = (description: string) =>
  Type.String({ minLength: 3, maxLength: 3, pattern: '^[A-Z]{3}$', description });

/** An amount in the smallest unit of its currency: int64 in the protos, exact in JSON up to 2^53 - 1. */
export const cents = (description: string) =>
  Type.Integer({ format: 'int64', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description });

export const int32 = (minimum: number, options: { description?: string; maximum?: number } = {}) =>
  Type.Integer({ format: 'int32', minimum, maximum: 2_147_483_647, ...options });

/** Free text as a person writes it (names, descriptions): bounded, but no pattern can describe it. */
export const text = (maxLength: number, minLength = 0) => Type.String({ minLength, maxLength });

/** Path ids arrive as any string and are checked by the service (404 for one that does not exist). */
export const pathId = Type.String({ minLength: 1, maxLength: 100, pattern: '^[^/?#]+$' });
