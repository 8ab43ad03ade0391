// HTTP shapes of the auth routes the gateway forwards (CONTRACT.md, public API). Auth validates the bodies; these
// describe them in the OpenAPI document.
import Type from 'typebox';

export const registerBodySchema = Type.Object(
  {
    email: Type.String({ format: 'email' }),
    password: Type.String({ minLength: 8 }),
    name: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const loginBodySchema = Type.Object(
  { email: Type.String({ format: 'email' }), password: Type.String() },
  { additionalProperties: false },
);

export const refreshTokenBodySchema = Type.Object({ refreshToken: Type.String() }, { additionalProperties: false });

export const userSchema = Type.Object({ id: Type.String(), email: Type.String(), name: Type.String() });

export const meSchema = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  roles: Type.Array(Type.String()),
});

export const tokenPairSchema = Type.Object({
  accessToken: Type.String(),
  refreshToken: Type.String(),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer({ description: 'Seconds until the access token expires' }),
});

export const jwksSchema = Type.Object({
  keys: Type.Array(Type.Object({ kid: Type.String(), kty: Type.String() }, { additionalProperties: true })),
});

export const openIdConfigurationSchema = Type.Object(
  { issuer: Type.String(), jwks_uri: Type.String() },
  { additionalProperties: true },
);
