// /.well-known: the JWKS every verifier of the platform fetches, and the issuer's metadata pointing at it.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import {
  AuthorizationServerMetadata,
  authorizationServerMetadata,
  JWKS_PATH,
  METADATA_PATHS,
} from './authorization-server-metadata.js';
import type { KeyRing } from './signing-keys.js';

export interface WellKnownRoutesOptions {
  keys: KeyRing;
  /** The platform's public URL: the metadata names it, and the JWKS under it, not auth's own address. */
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

// Verifiers refetch on an unknown kid anyway; a short max-age lets proxies absorb bursts without hiding a rotation
const CACHE_CONTROL = 'public, max-age=300';

export const wellKnownRoutes: FastifyPluginAsyncTypebox<WellKnownRoutesOptions> = async (app, { keys, issuer }) => {
  const metadata = authorizationServerMetadata(issuer);

  app.get(JWKS_PATH, { schema: { response: { 200: JwksResponse } } }, async (_request, reply) => {
    reply.header('cache-control', CACHE_CONTROL);
    return keys.jwks();
  });

  for (const path of METADATA_PATHS) {
    app.get(path, { schema: { response: { 200: AuthorizationServerMetadata } } }, async (_request, reply) => {
      reply.header('cache-control', CACHE_CONTROL);
      return metadata;
    });
  }
};
