// The auth routes of the public API, forwarded to the auth service as they are: auth owns their rules and
// answers. The gateway adds its edge duties on the way (body limit, rate limit, request id, the token check on /me).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import {
  loginBodySchema,
  meSchema,
  refreshTokenBodySchema,
  registerBodySchema,
  tokenPairSchema,
  userSchema,
} from './auth-proxy.schema.js';
import { bearerSecurity, documentedOnly, problemResponses, publicSecurity } from './openapi.js';

const tags = ['auth'];
const upstreamFailures = [413, 415, 429, 503, 504] as const;

export const authProxyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/auth/register',
    {
      validatorCompiler: documentedOnly,
      schema: {
        tags,
        summary: 'Create a user',
        operationId: 'register',
        security: publicSecurity,
        body: registerBodySchema,
        response: { 201: userSchema, ...problemResponses(400, 409, ...upstreamFailures) },
      },
    },
    async (_request, reply) => reply.forwardToAuth(),
  );

  app.post(
    '/api/auth/login',
    {
      validatorCompiler: documentedOnly,
      schema: {
        tags,
        summary: 'Exchange email and password for an access and a refresh token',
        operationId: 'login',
        security: publicSecurity,
        description: 'Repeated failures for an account answer 429 with Retry-After.',
        body: loginBodySchema,
        response: { 200: tokenPairSchema, ...problemResponses(400, 401, ...upstreamFailures) },
      },
    },
    async (_request, reply) => reply.forwardToAuth(),
  );

  app.post(
    '/api/auth/refresh',
    {
      validatorCompiler: documentedOnly,
      schema: {
        tags,
        summary: 'Exchange a refresh token for a new pair; the old refresh token is spent',
        operationId: 'refresh',
        security: publicSecurity,
        description: 'Presenting a spent refresh token again revokes every token of that login.',
        body: refreshTokenBodySchema,
        response: { 200: tokenPairSchema, ...problemResponses(400, 401, ...upstreamFailures) },
      },
    },
    async (_request, reply) => reply.forwardToAuth(),
  );

  app.post(
    '/api/auth/logout',
    {
      validatorCompiler: documentedOnly,
      schema: {
        tags,
        summary: 'Spend a refresh token so it no longer works',
        operationId: 'logout',
        security: publicSecurity,
        body: refreshTokenBodySchema,
        response: { 204: Type.Null(), ...problemResponses(400, 401, ...upstreamFailures) },
      },
    },
    async (_request, reply) => reply.forwardToAuth(),
  );

  app.get(
    '/api/auth/me',
    {
      // checked here too, so a bad token never costs a trip to auth (auth checks it again)
      preHandler: app.requireUser,
      schema: {
        tags,
        summary: 'The caller',
        operationId: 'getMe',
        security: bearerSecurity,
        response: { 200: meSchema, ...problemResponses(401, 429, 503, 504) },
      },
    },
    async (_request, reply) => reply.forwardToAuth(),
  );
};
