// The fastify app factory every HTTP server of the platform starts from: request ids, one log line per request,
// RED metrics, problem-details errors without stack traces, the API security headers, timeouts that a slow client
// cannot hold a connection past, a bounded JSON parser, and the ops routes /healthz, /readyz and /metrics.
import { randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { trace } from '@opentelemetry/api';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyServerOptions,
  LogController,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import type { Logger } from 'pino';
import { problemClientErrorHandler } from './client-error.js';
import { classifyFailure, problemOf } from './failure-statuses.js';
import { depthBoundedJsonParser } from './json-body.js';
import type { Metrics } from './metrics.js';
import { HttpProblem, PROBLEM_CONTENT_TYPE, type ProblemBody } from './problem.js';
import type { Readiness } from './readiness.js';
import { applySecurityHeaders } from './security-headers.js';
import { serviceVersion } from './service-version.js';

export const REQUEST_ID_HEADER = 'x-request-id';
export const BODY_LIMIT_BYTES = 1024 * 1024;

export interface HttpServerOptions {
  logger: Logger;
  metrics: Metrics;
  readiness: Readiness;
  bodyLimit?: number;
  /** Trust X-Forwarded-* from a proxy in front (the Istio ingress); off by default. */
  trustProxy?: FastifyServerOptions['trustProxy'];
  /** What /healthz reports as `version`; by default the version in the service's package.json. */
  version?: string;
  timeouts?: Partial<HttpTimeouts>;
}

/**
 * How long a client may take, so a slowly dribbled request cannot hold a connection (fastify turns Node's request
 * timeout off by default). Node checks the headers and request deadlines every `checkIntervalMs`.
 */
export interface HttpTimeouts {
  /** From the connection (or the first byte of a kept-alive request) to the end of its headers. */
  headersMs: number;
  /** From the same start to the end of the whole request, body included. */
  requestMs: number;
  /**
   * A socket with no traffic either way for this long is destroyed (a client that stops reading its answer).
   * Above the keep-alive timeout, so an idle kept-alive connection is closed gracefully by that one first.
   */
  idleMs: number;
  /** An idle kept-alive connection is closed after this; above the 60 s idle timeout of common load balancers. */
  keepAliveMs: number;
  checkIntervalMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = {
  headersMs: 10_000,
  requestMs: 30_000,
  idleMs: 120_000,
  keepAliveMs: 72_000,
  checkIntervalMs: 1_000,
};

export type HttpServer = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

const REQUEST_ID_PATTERN = /^[\w.:-]{1,128}$/;
const OPS_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

export function createHttpServer({
  logger,
  metrics,
  readiness,
  bodyLimit = BODY_LIMIT_BYTES,
  trustProxy = false,
  version = serviceVersion(),
  timeouts: timeoutOverrides = {},
}: HttpServerOptions): HttpServer {
  const timeouts = { ...DEFAULT_HTTP_TIMEOUTS, ...timeoutOverrides };
  const app = Fastify({
    loggerInstance: logger,
    // one line per request, written in onResponse below, instead of fastify's two
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    bodyLimit,
    trustProxy,
    requestIdHeader: false,
    // keep a client's id when it looks like one; never echo arbitrary header content into logs and responses
    genReqId: (request) => {
      const incoming = request.headers[REQUEST_ID_HEADER];
      return typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
    return503OnClosing: true,
    requestTimeout: timeouts.requestMs,
    connectionTimeout: timeouts.idleMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    http: { headersTimeout: timeouts.headersMs, connectionsCheckingInterval: timeouts.checkIntervalMs },
    clientErrorHandler: problemClientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // JSON only: an API that parsed text/plain would take bodies a browser sends cross-origin without a preflight
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    depthBoundedJsonParser(app.getDefaultJsonParser('error', 'error')),
  );

  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    const route = request.routeOptions.url;
    if (route) trace.getActiveSpan()?.setAttribute('http.route', route);
  });

  // Once shutdown began, close each connection after its response: a request in flight when close() starts would
  // otherwise leave a keep-alive socket that holds server.close() open until the client's idle timeout.
  app.addHook('onSend', async (request, reply) => {
    applySecurityHeaders(reply);
    if (readiness.isDraining && request.raw.httpVersionMajor < 2) reply.header('connection', 'close');
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    metrics.observeHttp({ method: request.method, route, status_code: reply.statusCode }, seconds);
    // built only when it will be written: at LOG_LEVEL=warn the line object alone showed in the read path's profile
    if (OPS_ROUTES.has(route) || !(request.log as Logger).isLevelEnabled('info')) return;
    request.log.info(
      {
        method: request.method,
        route,
        url: request.url,
        statusCode: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request completed',
    );
  });

  app.setErrorHandler((error: FastifyError | HttpProblem, request, reply) => {
    const problem = toProblem(error);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    reply.code(problem.status).headers(problem.headers).type(PROBLEM_CONTENT_TYPE).send(problem.toBody(request.url));
  });

  app.setNotFoundHandler((request, reply) => {
    const problem = new HttpProblem(404, `No route for ${request.method} ${request.url.split('?')[0]}`);
    reply.code(404).type(PROBLEM_CONTENT_TYPE).send(problem.toBody(request.url));
  });

  // the version, so an operator (or a rollout check) sees which release answers
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok', version }));
  app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) => {
    const report = await readiness.report();
    reply.code(report.ready ? 200 : 503);
    return { status: report.ready ? 'ready' : 'not ready', checks: report.checks };
  });
  app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  return app as unknown as HttpServer;
}

/**
 * Maps anything thrown in a route to a problem: a domain failure by its kind (failure-statuses.ts, so a database
 * outage is a 503 with Retry-After in every service, whatever route it reached); otherwise only HttpProblem and
 * fastify's own 4xx errors keep their text.
 */
export function toProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  const failure = classifyFailure(error);
  if (failure) return problemOf(failure);
  const fastifyError = error as Partial<FastifyError> & { validation?: unknown };
  const status = fastifyError.statusCode ?? 500;
  if (fastifyError.validation) {
    return new HttpProblem(400, fastifyError.message ?? 'Invalid request', {
      title: 'Invalid request',
      extensions: { errors: fastifyError.validation },
    });
  }
  if (status >= 400 && status < 500) {
    if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return new HttpProblem(413, 'Request body is larger than 1 MiB');
    if (status === 429) return new HttpProblem(429, fastifyError.message ?? 'Too many requests');
    return new HttpProblem(status, fastifyError.message ?? 'Bad request');
  }
  return new HttpProblem(500, 'An unexpected error occurred');
}

export type { ProblemBody };
