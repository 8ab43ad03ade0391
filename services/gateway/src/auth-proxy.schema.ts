// HTTP shapes of the auth routes the gateway forwards (docs/contract.md, public API). The bodies and answers are auth's
// own (@platform/api-schemas): auth validates with them, the OpenAPI document publishes them, so the limits a client
// reads are the ones enforced. The discovery documents are described here (auth serves them).
import {
  LoginBody,
  MeResponse,
  RefreshTokenBody,
  RegisterBody,
  TokenPairResponse,
  UserResponse,
} from '@platform/api-schemas';
import Type from 'typebox';

export const registerBodySchema = RegisterBody;
export const loginBodySchema = LoginBody;
export const refreshTokenBodySchema = RefreshTokenBody;
export const userSchema = UserResponse;
export const meSchema = MeResponse;
export const tokenPairSchema = TokenPairResponse;

const base64url = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '^[A-Za-z0-9_-]+$' });
const url = Type.String({ format: 'uri', maxLength: 2_048 });
const names = (maxItems: number) =>
  Type.Array(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_:.-]+$' }), { maxItems });

export const jwksSchema = Type.Object(
  {
    keys: Type.Array(
      Type.Object(
        {
          kty: Type.Enum(['RSA', 'EC'], { type: 'string' }),
          kid: base64url(128),
          alg: Type.Enum(['RS256', 'ES256'], { type: 'string' }),
          use: Type.Literal('sig'),
          crv: Type.Optional(Type.Enum(['P-256'], { type: 'string' })),
          x: Type.Optional(base64url(128)),
          y: Type.Optional(base64url(128)),
          n: Type.Optional(base64url(1_024)),
          e: Type.Optional(base64url(16)),
        },
        { additionalProperties: false },
      ),
      { maxItems: 8, description: 'The current key and the previous one' },
    ),
  },
  { additionalProperties: false },
);

/** The issuer's RFC 8414 metadata, auth's own shape: the platform is no OpenID provider and offers no public grant. */
export const authorizationServerMetadataSchema = Type.Object(
  {
    issuer: url,
    jwks_uri: url,
    response_types_supported: names(8),
    grant_types_supported: names(8),
  },
  { additionalProperties: false },
);
