// Cross-site request forgery protection for every state-changing form: the request must come from the shop's own
// origin (Origin, else Referer) and carry the session's synchronizer token, compared in constant time.
import { timingSafeEqual } from 'node:crypto';
import { DomainError } from '@platform/service-kit';
import type { FastifyInstance } from 'fastify';
import fastifyPlugin from 'fastify-plugin';

/** A form that did not come from one of the shop's own pages (or came from a session that has since ended). */
export class FormRejected extends DomainError {
  override readonly name = 'FormRejected';
  constructor(reason: string) {
    super('forbidden', reason);
  }
}

export const CSRF_FIELD = '_csrf';

export interface CsrfOptions {
  /** The origin browsers use (PUBLIC_ORIGIN); unset: the origin each request names itself. */
  publicOrigin?: string | undefined;
}

/** Rejects every POST whose origin or token does not match; GET and HEAD change nothing, so they pass. */
export const csrfProtection = fastifyPlugin<CsrfOptions>(
  async (app: FastifyInstance, { publicOrigin }) => {
    app.addHook('preHandler', async (request) => {
      if (request.method !== 'POST') return;
      const expected = publicOrigin ?? `${request.protocol}://${request.host}`;
      const origin = requestOrigin(request.headers.origin, request.headers.referer);
      if (origin !== expected) throw new FormRejected(`form from ${origin ?? 'an unknown origin'}, not ${expected}`);
      const sent = (request.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
      if (!tokensMatch(request.session?.data.csrfToken, sent)) throw new FormRejected('missing or wrong CSRF token');
    });
  },
  { name: 'storefront-csrf', fastify: '5.x', dependencies: ['storefront-sessions'] },
);

/** The origin a browser says a request comes from: Origin, or the origin of Referer when Origin is absent. */
export function requestOrigin(origin: string | undefined, referer: string | undefined): string | undefined {
  if (origin && origin !== 'null') return origin;
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}

export function tokensMatch(expected: string | undefined, sent: unknown): boolean {
  if (expected === undefined || typeof sent !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(sent);
  return a.length === b.length && timingSafeEqual(a, b);
}
