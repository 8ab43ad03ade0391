// The JWT check at the edge: `requireUser` verifies the Bearer token against auth's JWKS (auth-kit, with its
// verified-token cache on the hot path) and puts the caller on `request.user`; `requireRole` refuses a caller
// without the role. Refusals are failures of a kind, answered by service-kit's one mapping: 401 with the Bearer
// challenge, 503 with Retry-After when auth's keys cannot be loaded (the token may be fine), 403.
import { bearerToken, type JwtVerifier, type VerifiedToken } from '@platform/auth-kit';
import { DomainError } from '@platform/service-kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fastifyPlugin from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller; set by `requireUser`, null on routes that do not require one. */
    user: VerifiedToken | null;
  }
  interface FastifyInstance {
    /** preHandler: 401 unless the request carries a valid Bearer token. */
    requireUser: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    /** preHandler (after requireUser): 403 unless the caller has `role`. */
    requireRole: (role: string) => (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}

export interface AuthenticationOptions {
  verifier: JwtVerifier;
}

export const authentication = fastifyPlugin<AuthenticationOptions>(
  async (app, { verifier }) => {
    app.decorateRequest('user', null);

    app.decorate('requireUser', async (request: FastifyRequest) => {
      request.user = await verifier.verify(bearerToken(request.headers.authorization));
    });

    app.decorate('requireRole', (role: string) => async (request: FastifyRequest) => {
      if (!request.user) throw new Error('requireRole used on a route without requireUser');
      if (!request.user.roles.includes(role)) {
        throw new DomainError('forbidden', `This request needs the role "${role}"`, {
          bearerError: 'insufficient_scope',
        });
      }
    });
  },
  { name: 'authentication', fastify: '5.x' },
);
