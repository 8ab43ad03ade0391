// The storefront's only way to the platform: the gateway's public API, as any client calls it. Each call has a
// deadline, carries the request id, the browser's address and the trace context (in a client span of its own, since
// fetch is not instrumented), and is counted; any answer that is not a success becomes a GatewayProblem.
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { REQUEST_ID_HEADER } from '@platform/service-kit';
import { Counter, Histogram, type Registry } from 'prom-client';

export interface Product {
  id: string;
  sku: string;
  name: string;
  description: string;
  priceCents: number;
  currency: string;
  stock: number;
}

export interface OrderItem {
  productId: string;
  quantity: number;
  unitPriceCents: number;
}

export interface Order {
  id: string;
  status: 'confirmed' | 'cancelled';
  items: OrderItem[];
  totalCents: number;
  currency: string;
  createdAt: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: string;
  /** Seconds. */
  expiresIn: number;
}

export interface Account {
  id: string;
  email: string;
  name: string;
}

/** Who a call is made for: the browser's request. */
export interface CallContext {
  requestId: string;
  /** The browser's address, passed on as X-Forwarded-For. */
  clientIp: string;
}

/** A non-success answer of the gateway, or no answer at all (status 503 unreachable, 504 too slow). */
export class GatewayProblem extends Error {
  override readonly name = 'GatewayProblem';
  constructor(
    readonly status: number,
    readonly detail: string,
    /** Seconds, from Retry-After, when the gateway said when to come back. */
    readonly retryAfterSeconds?: number,
    options?: { cause?: unknown },
  ) {
    super(`gateway answered ${status}: ${detail}`, options);
  }
}

export interface GatewayClientOptions {
  /** e.g. http://127.0.0.1:8080 */
  baseUrl: string;
  timeoutMs: number;
  registry: Registry;
}

export interface GatewayClient {
  listProducts(ctx: CallContext): Promise<Product[]>;
  getProduct(ctx: CallContext, id: string): Promise<Product>;
  register(ctx: CallContext, body: { email: string; password: string; name?: string }): Promise<Account>;
  login(ctx: CallContext, body: { email: string; password: string }): Promise<TokenPair>;
  refresh(ctx: CallContext, refreshToken: string): Promise<TokenPair>;
  logout(ctx: CallContext, refreshToken: string): Promise<void>;
  me(ctx: CallContext, token: string): Promise<Account>;
  placeOrder(
    ctx: CallContext,
    token: string,
    items: { productId: string; quantity: number }[],
    idempotencyKey: string,
  ): Promise<Order>;
  listOrders(ctx: CallContext, token: string): Promise<Order[]>;
  getOrder(ctx: CallContext, token: string, id: string): Promise<Order>;
  cancelOrder(ctx: CallContext, token: string, id: string): Promise<Order>;
  /** Resolves when the gateway answers its liveness probe (for readiness). */
  ping(): Promise<void>;
}

interface Call {
  method: 'GET' | 'POST';
  /** The route as the gateway names it, for span names and metric labels. */
  route: string;
  path: string;
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

const tracer = trace.getTracer('@platform/storefront');

export function createGatewayClient({ baseUrl, timeoutMs, registry }: GatewayClientOptions): GatewayClient {
  const labelNames = ['route', 'status_code'] as const;
  const calls = new Counter({
    name: 'storefront_gateway_requests_total',
    help: 'Calls from the storefront to the gateway, by gateway route and status (0: no answer).',
    labelNames,
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'storefront_gateway_request_duration_seconds',
    help: 'Duration of calls from the storefront to the gateway, by gateway route and status (0: no answer).',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const origin = new URL(baseUrl);

  async function send<T>(ctx: CallContext, call: Call): Promise<T> {
    const name = `${call.method} ${call.route}`;
    return tracer.startActiveSpan(
      name,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'http.request.method': call.method,
          'url.full': baseUrl + call.path,
          'server.address': origin.hostname,
          'server.port': Number(origin.port || (origin.protocol === 'https:' ? 443 : 80)),
        },
      },
      async (span) => {
        const started = performance.now();
        let status = 0;
        try {
          const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
          headers[REQUEST_ID_HEADER] = ctx.requestId;
          headers['x-forwarded-for'] = ctx.clientIp;
          if (call.token) headers.authorization = `Bearer ${call.token}`;
          if (call.body !== undefined) headers['content-type'] = 'application/json';
          propagation.inject(context.active(), headers);
          let response: Response;
          try {
            response = await fetch(baseUrl + call.path, {
              method: call.method,
              headers,
              body: call.body === undefined ? undefined : JSON.stringify(call.body),
              signal: AbortSignal.timeout(timeoutMs),
            });
          } catch (error) {
            const timedOut = error instanceof Error && error.name === 'TimeoutError';
            throw new GatewayProblem(
              timedOut ? 504 : 503,
              timedOut ? 'The gateway did not answer in time' : 'The gateway cannot be reached',
              undefined,
              { cause: error },
            );
          }
          status = response.status;
          span.setAttribute('http.response.status_code', status);
          const text = await response.text();
          if (response.ok) return (text ? JSON.parse(text) : undefined) as T;
          throw problemOf(response, text);
        } catch (error) {
          if (!(error instanceof GatewayProblem) || error.status >= 500) {
            span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : '' });
          }
          throw error;
        } finally {
          const labels = { route: name, status_code: String(status) };
          calls.inc(labels);
          durations.observe(labels, (performance.now() - started) / 1000);
          span.end();
        }
      },
    );
  }

  const id = (value: string) => encodeURIComponent(value);
  return {
    listProducts: async (ctx) =>
      (
        await send<{ items: Product[] }>(ctx, {
          method: 'GET',
          route: '/api/catalog/products',
          path: '/api/catalog/products',
        })
      ).items,
    getProduct: (ctx, productId) =>
      send(ctx, { method: 'GET', route: '/api/catalog/products/:id', path: `/api/catalog/products/${id(productId)}` }),
    register: (ctx, body) =>
      send(ctx, { method: 'POST', route: '/api/auth/register', path: '/api/auth/register', body }),
    login: (ctx, body) => send(ctx, { method: 'POST', route: '/api/auth/login', path: '/api/auth/login', body }),
    refresh: (ctx, refreshToken) =>
      send(ctx, { method: 'POST', route: '/api/auth/refresh', path: '/api/auth/refresh', body: { refreshToken } }),
    logout: (ctx, refreshToken) =>
      send(ctx, { method: 'POST', route: '/api/auth/logout', path: '/api/auth/logout', body: { refreshToken } }),
    me: (ctx, token) => send(ctx, { method: 'GET', route: '/api/auth/me', path: '/api/auth/me', token }),
    placeOrder: (ctx, token, items, idempotencyKey) =>
      send(ctx, {
        method: 'POST',
        route: '/api/orders',
        path: '/api/orders',
        token,
        body: { items },
        headers: { 'idempotency-key': idempotencyKey },
      }),
    listOrders: async (ctx, token) =>
      (await send<{ items: Order[] }>(ctx, { method: 'GET', route: '/api/orders', path: '/api/orders', token })).items,
    getOrder: (ctx, token, orderId) =>
      send(ctx, { method: 'GET', route: '/api/orders/:id', path: `/api/orders/${id(orderId)}`, token }),
    cancelOrder: (ctx, token, orderId) =>
      send(ctx, {
        method: 'POST',
        route: '/api/orders/:id/cancel',
        path: `/api/orders/${id(orderId)}/cancel`,
        token,
      }),
    // no span and no count: probes call this every few seconds, and a trace per probe would drown real traffic
    async ping() {
      const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`gateway /healthz answered ${response.status}`);
    },
  };
}

function problemOf(response: Response, text: string): GatewayProblem {
  let detail = response.statusText || 'The request was refused';
  try {
    const body = JSON.parse(text) as { detail?: unknown };
    if (typeof body.detail === 'string') detail = body.detail;
  } catch {}
  return new GatewayProblem(response.status, detail, retryAfterSeconds(response.headers.get('retry-after')));
}

/** Retry-After as seconds from now: delta-seconds or an HTTP date (RFC 9110 section 10.2.3). */
export function retryAfterSeconds(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}
