// The /api/auth routes: thin mapping from HTTP to the auth service. Its refusals (AuthError, auth-kit's TokenError)
// say their kind; service-kit's error handler gives them their status and challenge.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { bearerToken } from '@platform/auth-kit';
import type { FastifyReply } from 'fastify';
import Type from 'typebox';
import {
  LoginBody,
  MeResponse,
  Problem,
  RefreshTokenBody,
  RegisterBody,
  TokenPairResponse,
  UserResponse,
} from './auth.schema.js';
import type { AuthService } from './auth.service.js';

export interface AuthRoutesOptions {
  service: AuthService;
}

export const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesOptions> = async (app, { service }) => {
  app.post(
    '/api/auth/register',
    {
      schema: {
        summary: 'Create an account',
        body: RegisterBody,
        response: { 201: UserResponse, 400: Problem, 409: Problem, 503: Problem },
      },
    },
    async (request, reply) => {
      const user = await service.register(request.body);
      reply.code(201);
      return { id: user.id, email: user.email, name: user.name };
    },
  );

  app.post(
    '/api/auth/login',
    {
      schema: {
        summary: 'Exchange email and password for an access and a refresh token',
        body: LoginBody,
        response: { 200: TokenPairResponse, 400: Problem, 401: Problem, 429: Problem, 503: Problem },
      },
    },
    // request.ip is the client's address as told by a TRUSTED_PROXIES peer (the gateway), else the peer's own
    async (request, reply) => {
      const pair = await service.login({ ...request.body, clientIp: request.ip });
      return neverCached(reply, pair);
    },
  );

  app.post(
    '/api/auth/refresh',
    {
      schema: {
        summary: 'Spend a refresh token for a new pair; a spent token presented again revokes the whole login',
        body: RefreshTokenBody,
        response: { 200: TokenPairResponse, 400: Problem, 401: Problem },
      },
    },
    async (request, reply) => neverCached(reply, await service.refresh(request.body.refreshToken)),
  );

  app.post(
    '/api/auth/logout',
    {
      schema: {
        summary: 'End the login the refresh token belongs to',
        body: RefreshTokenBody,
        response: { 204: Type.Null({ description: 'Logged out' }), 400: Problem },
      },
    },
    async (request, reply) => {
      await service.logout(request.body.refreshToken);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/auth/me',
    {
      schema: {
        summary: 'The caller, from the Bearer access token',
        response: { 200: MeResponse, 401: Problem },
      },
    },
    async (request) => {
      const user = await service.me(bearerToken(request.headers.authorization));
      return { id: user.id, email: user.email, name: user.name, roles: user.roles };
    },
  );
};

/** RFC 6749 5.1: an answer carrying tokens says no-store, and Pragma: no-cache for HTTP/1.0 caches. */
function neverCached<T>(reply: FastifyReply, body: T): T {
  reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
  return body;
}
