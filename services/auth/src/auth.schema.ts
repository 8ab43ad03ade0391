// Request and response schemas of the auth routes (CONTRACT.md, "Public HTTP API"); route types derive from them.
import { type ProblemBody, problemSchema } from '@platform/service-kit';
import Type, { type Static } from 'typebox';

// problemSchema carries an $id for the shared OpenAPI document; a route response embeds it without one
const { $id: _problemId, ...problemShape } = problemSchema;
export const Problem = Type.Unsafe<ProblemBody>(problemShape);

const email = Type.String({ format: 'email', maxLength: 254, description: 'Stored and compared lower-cased' });
const refreshToken = Type.String({ minLength: 1, maxLength: 256, description: 'Opaque; from login or refresh' });

export const RegisterBody = Type.Object(
  {
    email,
    // scrypt pre-hashes its input; the bound only keeps request bodies small
    password: Type.String({ minLength: 8, maxLength: 1_024 }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const LoginBody = Type.Object(
  // login does not re-check the email's format: a malformed one is simply a wrong credential (401)
  { email: Type.String({ minLength: 1, maxLength: 254 }), password: Type.String({ minLength: 1, maxLength: 1_024 }) },
  { additionalProperties: false },
);

export const RefreshTokenBody = Type.Object({ refreshToken }, { additionalProperties: false });

export const UserResponse = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    email: Type.String(),
    name: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);

export const MeResponse = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    email: Type.String(),
    name: Type.Union([Type.String(), Type.Null()]),
    roles: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);

export const TokenPairResponse = Type.Object(
  {
    accessToken: Type.String({ description: 'JWT, to send as Authorization: Bearer' }),
    refreshToken: Type.String({ description: 'Opaque; spent by its first use' }),
    tokenType: Type.Literal('Bearer'),
    expiresIn: Type.Integer({ description: 'Seconds until the access token expires' }),
  },
  { additionalProperties: false },
);

export type RegisterBody = Static<typeof RegisterBody>;
export type LoginBody = Static<typeof LoginBody>;
export type RefreshTokenBody = Static<typeof RefreshTokenBody>;
