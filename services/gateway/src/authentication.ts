// The JWT check at the edge: `requireUser` verifies the Bearer token against auth's JWKS (auth-kit, with its
// verified-token cache on the hot path) and puts the caller on `request.user`; `requireRole` answers 403.
import { bearerToken, type JwtVerifier, TokenError, type VerifiedToken } from '@platform/auth-kit';
import { HttpProblem } from '@platform/service-kit';
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

const REALM = 'realm="platform"';

export const authentication = fastifyPlugin<AuthenticationOptions>(
  async (app, { verifier }) => {
    app.decorateRequest('user', null);

    app.decorate('requireUser', async (request: FastifyRequest) => {
      try {
        request.user = await verifier.verify(bearerToken(request.headers.authorization));
      } catch (error) {
        if (!(error instanceof TokenError)) throw error;
        throw problemFor(error, request);
      }
    });

    app.decorate('requireRole', (role: string) => async (request: FastifyRequest) => {
      if (!request.user) throw new Error('requireRole used on a route without requireUser');
      if (!request.user.roles.includes(role)) {
        throw new HttpProblem(403, `This request needs the role "${role}"`, {
          headers: { 'www-authenticate': `Bearer ${REALM}, error="insufficient_scope"` },
        });
      }
    });
  },
  { name: 'authentication', fastify: '5.x' },
);

function problemFor(error: TokenError, request: FastifyRequest): HttpProblem {
  if (error.reason === 'jwks-unavailable') {
    // Not the client's fault: its token may be fine, so do not tell it to log in again (401); ask it to retry.
    request.log.error({ err: error.cause ?? error }, 'cannot load the signing keys of auth');
    return new HttpProblem(503, 'Tokens cannot be checked right now; retry later', { headers: { 'retry-after': '1' } });
  }
  request.log.debug({ reason: error.reason }, 'token rejected');
  // RFC 6750 section 3.1: no error code when the request carried no credentials at all
  const challenge =
    error.reason === 'missing'
      ? `Bearer ${REALM}`
      : `Bearer ${REALM}, error="invalid_token", error_description="${error.message.replace(/["\\]/g, '')}"`;
  return new HttpProblem(401, error.message, { headers: { 'www-authenticate': challenge } });
}
