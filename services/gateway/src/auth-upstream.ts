// The HTTP path to the auth service: `reply.forwardToAuth()` sends the request on (same path and query, the
// headers that matter) and passes auth's answer back: status, body, content-type, Retry-After, WWW-Authenticate.
// Auth unreachable is a quick 503 problem, auth too slow a 504, never a hang.
import fastifyReplyFrom from '@fastify/reply-from';
import { DomainError, REQUEST_ID_HEADER } from '@platform/service-kit';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyPlugin from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyReply {
    /** Forwards this request to the auth service and answers with auth's answer. */
    forwardToAuth(): FastifyReply;
  }
}

export interface AuthUpstreamOptions {
  /** e.g. http://127.0.0.1:8081 */
  baseUrl: string;
  /** From sending the request to receiving the head of the answer (and between body chunks). */
  timeoutMs: number;
}

// What a client may send to auth: the rest (cookies, hop-by-hop, client-made forwarding headers) stays here.
const REQUEST_HEADERS = ['accept', 'accept-language', 'authorization', 'content-type', 'content-length', 'user-agent'];
// Trace context passes through as the client sent it; with tracing on, the http instrumentation replaces it with
// the gateway's own span so the trace continues through the gateway.
const TRACE_HEADERS = ['traceparent', 'tracestate'];
// What a client gets back from auth's answer besides status and body.
const RESPONSE_HEADERS = [
  'content-type',
  'content-length',
  'cache-control',
  // RFC 6749 5.1: token answers carry Pragma: no-cache for HTTP/1.0 caches
  'pragma',
  'etag',
  'last-modified',
  'expires',
  'retry-after',
  'www-authenticate',
  'location',
];

const pick = (headers: Record<string, unknown>, names: string[]) => {
  const picked: Record<string, string | string[]> = {};
  for (const name of names) {
    const value = headers[name];
    if (typeof value === 'string' || Array.isArray(value)) picked[name] = value as string | string[];
    else if (typeof value === 'number') picked[name] = String(value);
  }
  return picked;
};

export const authUpstream = fastifyPlugin<AuthUpstreamOptions>(
  async (app: FastifyInstance, { baseUrl, timeoutMs }) => {
    // node:http rather than undici: the OpenTelemetry http instrumentation then continues the trace to auth
    await app.register(fastifyReplyFrom, {
      base: baseUrl,
      // the gateway's own line per request is enough
      disableRequestLogging: true,
      http: {
        agentOptions: {
          keepAlive: true,
          keepAliveMsecs: 1_000,
          maxSockets: 256,
          maxFreeSockets: 32,
          // A kept-alive connection idle this long is closed here. An auth replica that is shutting down answers
          // `Connection: close` through its drain delay (2 s in compose and Kubernetes) and then closes its idle
          // connections: one the gateway picked up again at that moment would reset a login, which is never
          // retried. Shorter than the drain, no idle connection to a stopping replica outlives it.
          timeout: 1_000,
        },
        requestOptions: { timeout: timeoutMs },
      },
    });

    app.decorateReply('forwardToAuth', function forwardToAuth(this: FastifyReply) {
      return this.from(undefined, {
        rewriteRequestHeaders: (request, headers) => ({
          ...pick(headers, REQUEST_HEADERS),
          ...pick(headers, TRACE_HEADERS),
          host: String(headers.host),
          [REQUEST_ID_HEADER]: request.id,
          // the client as the gateway sees it (TRUSTED_PROXIES decides whose X-Forwarded-For is believed)
          'x-forwarded-for': request.ip,
        }),
        rewriteHeaders: (headers, request) => ({
          ...pick(headers, RESPONSE_HEADERS),
          [REQUEST_ID_HEADER]: request?.id ?? '',
        }),
        // one retry of a read whose kept-alive connection auth had just closed; writes (login...) are never retried
        retryDelay: ({ err, req, attempt }) =>
          attempt === 0 && (err as NodeJS.ErrnoException | null)?.code === 'ECONNRESET' && req.method === 'GET'
            ? 1
            : null,
        onError: (reply, { error }) => {
          reply.send(failureFor(error));
        },
      });
    });
  },
  { name: 'auth-upstream', fastify: '5.x' },
);

function failureFor(error: Error & { statusCode?: number }): DomainError {
  // kinds, like every refusal: service-kit's one mapping gives 504, or 503 with Retry-After
  return error.statusCode === 504
    ? new DomainError('deadline', 'The auth service did not answer in time', { cause: error })
    : new DomainError('unavailable', 'The auth service is unavailable; retry later', {
        cause: error,
        retryAfterSeconds: 1,
      });
}
