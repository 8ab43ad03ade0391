// The issuer's metadata document (RFC 8414), served at /.well-known/oauth-authorization-server and, as the contract
// requires, at /.well-known/openid-configuration: what a client needs to verify the platform's access tokens.
import Type, { type Static } from 'typebox';

/** Where the document is published, relative to the issuer (which has no path, so RFC 8414 and OIDC agree). */
export const METADATA_PATHS = ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration'] as const;

export const JWKS_PATH = '/.well-known/jwks.json';

/**
 * Only what the platform does. It is not an OpenID provider (no ID tokens, no authorization endpoint, no userinfo),
 * so no OIDC member is claimed; and it offers no OAuth grant at its public address (login and refresh are its own
 * JSON API; the client-credentials endpoint is internal), so the two lists are published empty rather than left to
 * RFC 8414's defaults, which would claim the authorization code and implicit grants.
 */
export const AuthorizationServerMetadata = Type.Object(
  {
    issuer: Type.String(),
    jwks_uri: Type.String(),
    response_types_supported: Type.Array(Type.String()),
    grant_types_supported: Type.Array(Type.String()),
  },
  // a response schema drops what it does not list: nothing beyond these can be published by accident
  { additionalProperties: false },
);

export type AuthorizationServerMetadata = Static<typeof AuthorizationServerMetadata>;

/** The document for an issuer, which is the platform's public URL (an origin: no path, no trailing slash). */
export function authorizationServerMetadata(issuer: string): AuthorizationServerMetadata {
  return {
    issuer,
    jwks_uri: new URL(JWKS_PATH, issuer).href,
    response_types_supported: [],
    grant_types_supported: [],
  };
}
