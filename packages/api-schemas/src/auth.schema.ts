// The auth routes' bodies and answers (docs/contract.md, "Public HTTP API"), in one place: auth validates requests with
// them and the gateway publishes them in its OpenAPI document, so the limits a client reads are the ones enforced.
// Every string and array is bounded and every integer has a format and a range, as the OWASP API rules ask.
import Type, { type Static } from 'typebox';

const email = Type.String({
  format: 'email',
  maxLength: 254,
  description: 'Stored and compared lower-cased',
});
// scrypt pre-hashes its input; the bound only keeps request bodies small
const password = (minLength: number) =>
  Type.String({ minLength, maxLength: 1_024, format: 'password', description: 'Any characters; never stored' });
// what a client presents is not pattern-checked: a malformed token is the same 401 as an unknown or spent one
const presentedRefreshToken = Type.String({
  minLength: 1,
  maxLength: 256,
  description: 'Opaque; from login or refresh',
});
const userId = Type.String({ format: 'uuid', minLength: 36, maxLength: 36 });
const userName = Type.String({ minLength: 1, maxLength: 200, description: 'Free text' });

export const RegisterBody = Type.Object(
  { email, password: password(8), name: Type.Optional(userName) },
  { additionalProperties: false },
);

export const LoginBody = Type.Object(
  {
    // login does not re-check the email's format: a malformed one is simply a wrong credential (401)
    email: Type.String({ minLength: 1, maxLength: 254 }),
    password: password(1),
  },
  { additionalProperties: false },
);

export const RefreshTokenBody = Type.Object({ refreshToken: presentedRefreshToken }, { additionalProperties: false });

export const UserResponse = Type.Object(
  { id: userId, email, name: Type.Union([userName, Type.Null()]) },
  { additionalProperties: false },
);

export const MeResponse = Type.Object(
  {
    id: userId,
    email,
    name: Type.Union([userName, Type.Null()]),
    roles: Type.Array(Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z][a-z0-9:_-]*$' }), {
      maxItems: 32,
    }),
  },
  { additionalProperties: false },
);

export const TokenPairResponse = Type.Object(
  {
    accessToken: Type.String({
      minLength: 1,
      maxLength: 8_192,
      pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$',
      description: 'JWT, to send as Authorization: Bearer',
    }),
    refreshToken: Type.String({
      minLength: 43,
      maxLength: 43,
      pattern: '^[A-Za-z0-9_-]+$',
      description: 'Opaque (32 random bytes, base64url); spent by its first use',
    }),
    tokenType: Type.Literal('Bearer'),
    expiresIn: Type.Integer({
      format: 'int32',
      minimum: 1,
      maximum: 900,
      description: 'Seconds until the access token expires (at most 15 minutes)',
    }),
  },
  { additionalProperties: false },
);

export type RegisterBody = Static<typeof RegisterBody>;
export type LoginBody = Static<typeof LoginBody>;
export type RefreshTokenBody = Static<typeof RefreshTokenBody>;
