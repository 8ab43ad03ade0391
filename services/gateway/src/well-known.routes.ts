// The issuer's discovery documents, served from the auth service through the gateway, so clients and other
// verifiers outside the cluster can find the keys.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { jwksSchema, openIdConfigurationSchema } from './auth-proxy.schema.js';
import { problemResponses, publicSecurity } from './openapi.js';

const tags = ['auth'];

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

  app.get(
    '/.well-known/openid-configuration',
    {
      schema: {
        tags,
        summary: 'Issuer metadata: issuer and jwks_uri',
        operationId: 'getOpenIdConfiguration',
        security: publicSecurity,
        response: { 200: openIdConfigurationSchema, ...problemResponses(429, 503, 504) },
      },
    },
    async (_request, reply) => reply.forwardToAuth(),
  );
};
