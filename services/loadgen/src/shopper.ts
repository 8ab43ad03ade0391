// One simulated shopper: registers an account once, then acts at the pace the shared pacer gives (browse, order,
// look at its orders, cancel, log in again) in the configured mix. It keeps its access token fresh, keeps at most
// a few orders open (the next order cancels its oldest first, so the load does not drain the stock), and backs off
// after errors that came without Retry-After.
import { randomBytes, randomUUID } from 'node:crypto';
import { type Action, type ActionMix, pickAction } from './action-mix.js';
import type { Backoff } from './backoff.js';
import type { ApiResult, GatewayApi } from './gateway-api.js';
import type { LoadgenMetrics, Outcome } from './loadgen.metrics.js';
import { abortableSleep, type Pacer } from './pacer.js';

export interface ShopperOptions {
  api: GatewayApi;
  pacer: Pacer;
  mix: ActionMix;
  backoff: Backoff;
  metrics: LoadgenMetrics;
  maxOpenOrders: number;
  random?: () => number;
}

interface Tokens {
  accessToken: string;
  refreshToken: string;
  /** performance.now() after which the access token is renewed first. */
  renewAt: number;
}

interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

interface Product {
  id: string;
  stock: number;
}

interface Order {
  id: string;
  status: string;
}

// outcomes after which a shopper pauses before its next action (429 has the gateway's own Retry-After pause)
const FAILURES = new Set<Outcome>(['server_error', 'unavailable', 'timeout', 'network_error']);

export interface Shopper {
  /** Acts until `stop` aborts; the request in flight then finishes (or is abandoned by the API). */
  run(stop: AbortSignal): Promise<void>;
}

export function createShopper(options: ShopperOptions): Shopper {
  const email = `shopper-${randomUUID()}@loadgen.example.com`;
  const password = randomBytes(18).toString('base64url');
  let registered = false;
  let tokens: Tokens | undefined;
  let products: Product[] = [];
  let openOrders: string[] = [];
  let failed = false;
  const random = options.random ?? Math.random;

  async function act(action: Action, stop: AbortSignal): Promise<void> {
    if (!(await signedIn(stop))) return;
    switch (action) {
      case 'browse':
        return browse(stop);
      case 'order':
        return openOrders.length >= options.maxOpenOrders ? cancel(stop) : order(stop);
      case 'orders':
        await authorized('list_orders', 'GET', '/api/orders', stop);
        return;
      case 'cancel':
        return cancel(stop);
      case 'login':
        return logInAgain(stop);
    }
  }

  async function browse(stop: AbortSignal): Promise<void> {
    const list = await send<{ items: Product[] }>('list_products', 'GET', '/api/catalog/products', stop);
    if (list.body) products = list.body.items;
    const product = pick(products);
    if (product) await send('get_product', 'GET', `/api/catalog/products/${product.id}`, stop);
  }

  async function order(stop: AbortSignal): Promise<void> {
    if (products.length === 0) await browse(stop);
    const product = pick(products.filter((p) => p.stock > 0));
    if (!product) return;
    const placed = await authorized<Order>('place_order', 'POST', '/api/orders', stop, {
      body: { items: [{ productId: product.id, quantity: 1 }] },
      headers: { 'idempotency-key': randomUUID() },
    });
    if (placed.body) openOrders.push(placed.body.id);
    // out of stock (409): look at the shelves again before the next order
    if (placed.status === 409) products = [];
  }

  async function cancel(stop: AbortSignal): Promise<void> {
    if (openOrders.length === 0) {
      const mine = await authorized<{ items: Order[] }>('list_orders', 'GET', '/api/orders', stop);
      openOrders = (mine.body?.items ?? []).filter((o) => o.status === 'confirmed').map((o) => o.id);
    }
    const id = openOrders[0];
    if (id === undefined) return;
    const cancelled = await authorized('cancel_order', 'POST', `/api/orders/${id}/cancel`, stop);
    // cancelled now, before (409) or gone (404): either way no longer open
    if ([200, 404, 409].includes(cancelled.status)) openOrders.shift();
  }

  async function logInAgain(stop: AbortSignal): Promise<void> {
    const previous = tokens;
    tokens = undefined;
    if (previous) {
      await send('logout', 'POST', '/api/auth/logout', stop, { body: { refreshToken: previous.refreshToken } });
    }
    await logIn(stop);
  }

  /** Registers once, then makes sure of a usable access token; false when that failed this time. */
  async function signedIn(stop: AbortSignal): Promise<boolean> {
    if (!registered) {
      const body = { email: email, password: password, name: 'Simulated shopper' };
      const answer = await send('register', 'POST', '/api/auth/register', stop, { body });
      // 409: registered by an earlier attempt whose answer was lost
      if (answer.status !== 201 && answer.status !== 409) return false;
      registered = true;
    }
    if (tokens && performance.now() >= tokens.renewAt) {
      const refreshed = await send<TokenPair>('refresh', 'POST', '/api/auth/refresh', stop, {
        body: { refreshToken: tokens.refreshToken },
      });
      tokens = refreshed.body ? keep(refreshed.body) : undefined;
    }
    if (!tokens) await logIn(stop);
    return tokens !== undefined;
  }

  async function logIn(stop: AbortSignal): Promise<void> {
    const answer = await send<TokenPair>('login', 'POST', '/api/auth/login', stop, {
      body: { email: email, password: password },
    });
    if (answer.body) tokens = keep(answer.body);
  }

  function keep(pair: TokenPair): Tokens {
    // renew at four fifths of the lifetime, well before the gateway would refuse it
    return { ...pair, renewAt: performance.now() + pair.expiresIn * 800 };
  }

  async function authorized<T>(
    kind: Parameters<GatewayApi['call']>[0],
    method: 'GET' | 'POST',
    path: string,
    stop: AbortSignal,
    request: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<ApiResult<T>> {
    const answer = await send<T>(kind, method, path, stop, { ...request, token: tokens?.accessToken });
    if (answer.status === 401) tokens = undefined; // log in again next time
    return answer;
  }

  async function send<T>(
    kind: Parameters<GatewayApi['call']>[0],
    method: 'GET' | 'POST',
    path: string,
    stop: AbortSignal,
    request: Parameters<GatewayApi['call']>[4] = {},
  ): Promise<ApiResult<T>> {
    const answer = await options.api.call<T>(kind, method, path, stop, request);
    if (FAILURES.has(answer.outcome)) failed = true;
    return answer;
  }

  function pick<T>(items: T[]): T | undefined {
    return items[Math.floor(random() * items.length)];
  }

  return {
    async run(stop) {
      const { pacer, mix, backoff, metrics } = options;
      while (!stop.aborted) {
        try {
          await pacer.next(stop);
          failed = false;
          await act(pickAction(mix, random()), stop);
          if (!failed) {
            backoff.reset();
            continue;
          }
          const pauseMs = backoff.next();
          metrics.backoff(pauseMs / 1000);
          await abortableSleep(pauseMs, stop);
        } catch (error) {
          if (stop.aborted) return;
          throw error;
        }
      }
    },
  };
}
