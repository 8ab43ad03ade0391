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

export class Shopper {
  private readonly email = `shopper-${randomUUID()}@loadgen.example.com`;
  private readonly password = randomBytes(18).toString('base64url');
  private registered = false;
  private tokens: Tokens | undefined;
  private products: Product[] = [];
  private openOrders: string[] = [];
  private failed = false;

  constructor(private readonly options: ShopperOptions) {}

  /** Acts until `stop` aborts; the request in flight then finishes (or is abandoned by the API). */
  async run(stop: AbortSignal): Promise<void> {
    const { pacer, mix, backoff, metrics } = this.options;
    while (!stop.aborted) {
      try {
        await pacer.next(stop);
        this.failed = false;
        await this.act(pickAction(mix, this.random()), stop);
        if (!this.failed) {
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
  }

  private async act(action: Action, stop: AbortSignal): Promise<void> {
    if (!(await this.signedIn(stop))) return;
    switch (action) {
      case 'browse':
        return this.browse(stop);
      case 'order':
        return this.openOrders.length >= this.options.maxOpenOrders ? this.cancel(stop) : this.order(stop);
      case 'orders':
        await this.authorized('list_orders', 'GET', '/api/orders', stop);
        return;
      case 'cancel':
        return this.cancel(stop);
      case 'login':
        return this.logInAgain(stop);
    }
  }

  private async browse(stop: AbortSignal): Promise<void> {
    const list = await this.send<{ items: Product[] }>('list_products', 'GET', '/api/catalog/products', stop);
    if (list.body) this.products = list.body.items;
    const product = this.pick(this.products);
    if (product) await this.send('get_product', 'GET', `/api/catalog/products/${product.id}`, stop);
  }

  private async order(stop: AbortSignal): Promise<void> {
    if (this.products.length === 0) await this.browse(stop);
    const product = this.pick(this.products.filter((p) => p.stock > 0));
    if (!product) return;
    const placed = await this.authorized<Order>('place_order', 'POST', '/api/orders', stop, {
      body: { items: [{ productId: product.id, quantity: 1 }] },
      headers: { 'idempotency-key': randomUUID() },
    });
    if (placed.body) this.openOrders.push(placed.body.id);
    // out of stock (409): look at the shelves again before the next order
    if (placed.status === 409) this.products = [];
  }

  private async cancel(stop: AbortSignal): Promise<void> {
    if (this.openOrders.length === 0) {
      const mine = await this.authorized<{ items: Order[] }>('list_orders', 'GET', '/api/orders', stop);
      this.openOrders = (mine.body?.items ?? []).filter((o) => o.status === 'confirmed').map((o) => o.id);
    }
    const id = this.openOrders[0];
    if (id === undefined) return;
    const cancelled = await this.authorized('cancel_order', 'POST', `/api/orders/${id}/cancel`, stop);
    // cancelled now, before (409) or gone (404): either way no longer open
    if ([200, 404, 409].includes(cancelled.status)) this.openOrders.shift();
  }

  private async logInAgain(stop: AbortSignal): Promise<void> {
    const previous = this.tokens;
    this.tokens = undefined;
    if (previous) {
      await this.send('logout', 'POST', '/api/auth/logout', stop, { body: { refreshToken: previous.refreshToken } });
    }
    await this.logIn(stop);
  }

  /** Registers once, then makes sure of a usable access token; false when that failed this time. */
  private async signedIn(stop: AbortSignal): Promise<boolean> {
    if (!this.registered) {
      const body = { email: this.email, password: this.password, name: 'Simulated shopper' };
      const answer = await this.send('register', 'POST', '/api/auth/register', stop, { body });
      // 409: registered by an earlier attempt whose answer was lost
      if (answer.status !== 201 && answer.status !== 409) return false;
      this.registered = true;
    }
    if (this.tokens && performance.now() >= this.tokens.renewAt) {
      const refreshed = await this.send<TokenPair>('refresh', 'POST', '/api/auth/refresh', stop, {
        body: { refreshToken: this.tokens.refreshToken },
      });
      this.tokens = refreshed.body ? this.keep(refreshed.body) : undefined;
    }
    if (!this.tokens) await this.logIn(stop);
    return this.tokens !== undefined;
  }

  private async logIn(stop: AbortSignal): Promise<void> {
    const answer = await this.send<TokenPair>('login', 'POST', '/api/auth/login', stop, {
      body: { email: this.email, password: this.password },
    });
    if (answer.body) this.tokens = this.keep(answer.body);
  }

  private keep(pair: TokenPair): Tokens {
    // renew at four fifths of the lifetime, well before the gateway would refuse it
    return { ...pair, renewAt: performance.now() + pair.expiresIn * 800 };
  }

  private async authorized<T>(
    kind: Parameters<GatewayApi['call']>[0],
    method: 'GET' | 'POST',
    path: string,
    stop: AbortSignal,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<ApiResult<T>> {
    const answer = await this.send<T>(kind, method, path, stop, { ...options, token: this.tokens?.accessToken });
    if (answer.status === 401) this.tokens = undefined; // log in again next time
    return answer;
  }

  private async send<T>(
    kind: Parameters<GatewayApi['call']>[0],
    method: 'GET' | 'POST',
    path: string,
    stop: AbortSignal,
    options: Parameters<GatewayApi['call']>[4] = {},
  ): Promise<ApiResult<T>> {
    const answer = await this.options.api.call<T>(kind, method, path, stop, options);
    if (FAILURES.has(answer.outcome)) this.failed = true;
    return answer;
  }

  private pick<T>(items: T[]): T | undefined {
    return items[Math.floor(this.random() * items.length)];
  }

  private random(): number {
    return (this.options.random ?? Math.random)();
  }
}
