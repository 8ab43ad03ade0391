// Public reads that a browser, a CDN or a client may keep and revalidate: a strong ETag over the body of each 200,
// a Cache-Control that makes every reuse ask first (stock changes at any moment), and 304 with no body when the
// copy a request names in If-None-Match is still the current one (RFC 9110 sections 8.8.3, 13.1.2 and 15.4.5).
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/**
 * Any cache may store the answer (it is the same for everyone), but must revalidate before each reuse: a product's
 * stock changes with every order, so no age would be safe, and a revalidation costs a 304 with no body.
 */
export const PUBLIC_READ_CACHE_CONTROL = 'public, no-cache';

/** A strong validator: the same bytes give the same tag on every replica, any other bytes another tag. */
export function entityTag(body: string | Buffer): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`;
}

/**
 * Whether If-None-Match names `etag`: `*`, or a list of tags compared weakly (a `W/` prefix on either side is
 * ignored), as RFC 9110 asks for If-None-Match.
 */
export function noneMatchHits(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  const opaque = etag.startsWith('W/') ? etag.slice(2) : etag;
  return ifNoneMatch.split(',').some((listed) => {
    const tag = listed.trim();
    return tag === '*' || tag === opaque || tag === `W/${opaque}`;
  });
}

/**
 * Adds ETag and Cache-Control to every 200 of the routes in this (encapsulated) context, and turns it into a 304
 * when the request's If-None-Match names it. Errors keep the server's `no-store` and are never a 304: a precondition
 * applies only where the answer would be a success.
 */
export function conditionalGet(app: FastifyInstance): void {
  // the last body and its tag: a body served again (the gateway's copy of the product list) is hashed once
  let last: { body: string; etag: string } | undefined;
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode !== 200 || !(typeof payload === 'string' || Buffer.isBuffer(payload))) return payload;
    let etag: string;
    if (typeof payload === 'string' && last?.body === payload) etag = last.etag;
    else {
      etag = entityTag(payload);
      if (typeof payload === 'string') last = { body: payload, etag };
    }
    reply.header('etag', etag).header('cache-control', PUBLIC_READ_CACHE_CONTROL);
    if (!noneMatchHits(request.headers['if-none-match'], etag)) return payload;
    reply.code(304).removeHeader('content-type').removeHeader('content-length');
    return '';
  });
}
