// /.well-known: the JWKS every verifier of the platform fetches, and the discovery document pointing at it.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { KeyRing } from './signing-keys.js';

export interface WellKnownRoutesOptions {
  keys: KeyRing;
  issuer: string;
}

const JwksResponse = Type.Object({
  keys: Type.Array(
    Type.Object(
      {
        kty: Type.String(),
        kid: Type.String(),
        alg: Type.String(),
        use: Type.Literal('sig'),
        crv: Type.Optional(Type.String()),
        x: Type.Optional(Type.String()),
        y: Type.Optional(Type.String()),
        n: Type.Optional(Type.String()),
        e: Type.Optional(Type.String()),
      },
      // a response schema drops what it does not list: the private members can never leak through it
      { additionalProperties: false },
    ),
  ),
});

const OpenIdConfigurationResponse = Type.Object({
  issuer: Type.String(),
  jwks_uri: Type.String(),
  response_types_supported: Type.Array(Type.String()),
  subject_types_supported: Type.Array(Type.String()),
  id_token_signing_alg_values_supported: Type.Array(Type.String()),
  token_endpoint_auth_methods_supported: Type.Array(Type.String()),
  claims_supported: Type.Array(Type.String()),
});

// Verifiers refetch on an unknown kid anyway; a short max-age lets proxies absorb bursts without hiding a rotation
const CACHE_CONTROL = 'public, max-age=300';

export const wellKnownRoutes: FastifyPluginAsyncTypebox<WellKnownRoutesOptions> = async (app, { keys, issuer }) => {
  const algorithms = [...new Set(keys.jwks().keys.map((key) => key.alg))];
  const discovery = {
    issuer,
    jwks_uri: `${issuer.replace(/\/$/, '')}/.well-known/jwks.json`,
    // this is not a full OpenID provider: the document is here for verifiers (e.g. Istio) that discover the JWKS
    response_types_supported: ['token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: algorithms,
    token_endpoint_auth_methods_supported: ['none'],
    claims_supported: ['iss', 'aud', 'sub', 'iat', 'exp', 'jti', 'roles'],
  };

  app.get('/.well-known/jwks.json', { schema: { response: { 200: JwksResponse } } }, async (_request, reply) => {
    reply.header('cache-control', CACHE_CONTROL);
    return keys.jwks();
  });

  app.get(
    '/.well-known/openid-configuration',
    { schema: { response: { 200: OpenIdConfigurationResponse } } },
    async (_request, reply) => {
      reply.header('cache-control', CACHE_CONTROL);
      return discovery;
    },
  );
};
