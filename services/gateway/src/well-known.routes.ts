// The issuer's discovery documents, served from the auth service through the gateway, so clients and other
// verifiers outside the cluster can find the keys: the metadata names the platform's public URL as the issuer and
// the JWKS under it, this gateway's own routes.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authorizationServerMetadataSchema, jwksSchema } from './auth-proxy.schema.js';
import { problemResponses, publicSecurity } from './openapi.js';

const tags = ['auth'];

// one document at two addresses: RFC 8414's own, and the one the contract names (and OpenID clients look at first)
const METADATA_ROUTES = [
  {
    url: '/.well-known/oauth-authorization-server',
    operationId: 'getAuthorizationServerMetadata',
    summary: 'Issuer metadata (RFC 8414): issuer and jwks_uri',
  },
  {
    url: '/.well-known/openid-configuration',
    operationId: 'getOpenIdConfiguration',
    summary: 'The same issuer metadata, where OpenID clients look for it',
  },
];

export const wellKnownRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/.well-known/jwks.json',
    {
      schema: {
        tags,
        summary: 'The public keys that verify access tokens (current and previous)',
        operationId: 'getJwks',
        security: publicSecurity,
        response: { 200: jwksSchema, ...problemResponses(429, 503, 504) },
      },
    },
    async (_request, reply) => reply.forwardToAuth(),
  );

  for (const { url, operationId, summary } of METADATA_ROUTES) {
    app.get(
      url,
      {
        schema: {
          tags,
          summary,
          operationId,
          security: publicSecurity,
          response: { 200: authorizationServerMetadataSchema, ...problemResponses(429, 503, 504) },
        },
      },
      async (_request, reply) => reply.forwardToAuth(),
    );
  }
};
