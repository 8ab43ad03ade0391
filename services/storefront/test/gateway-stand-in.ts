// A stand-in for the gateway in the storefront's own wiring tests: a node:http server answering the few public API
// routes a test needs, recording what it received, and told per test how to answer. (The real gateway and the
// services behind it are exercised with the storefront by the platform's browser suite in e2e/test/browser.)
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

export interface GatewayStandIn {
  readonly url: string;
  readonly received: Received[];
  /** Answers `METHOD /path` with this from now on (default answers below otherwise). */
  answer(route: string, answer: Answer | ((request: Received) => Answer)): void;
  close(): Promise<void>;
}

export const PRODUCT = {
  id: '3c94b47e-5d93-44e2-aaa0-b97c7c3c0766',
  sku: 'MUG',
  name: 'Stoneware <mug>',
  description: 'Holds "coffee" & tea',
  priceCents: 1299,
  currency: 'EUR',
  stock: 5,
};

const defaults: Record<string, Answer> = {
  'GET /healthz': { status: 200, body: { status: 'ok' } },
  'GET /api/catalog/products': { status: 200, body: { items: [PRODUCT] } },
  [`GET /api/catalog/products/${PRODUCT.id}`]: { status: 200, body: PRODUCT },
  'POST /api/auth/login': {
    status: 200,
    body: { accessToken: 'access-1', refreshToken: 'refresh-1', tokenType: 'Bearer', expiresIn: 900 },
  },
  'GET /api/auth/me': { status: 200, body: { id: 'u1', email: 'ada@example.com', name: 'Ada', roles: ['user'] } },
  'POST /api/auth/logout': { status: 204 },
  'GET /api/orders': { status: 200, body: { items: [] } },
};

export async function startGatewayStandIn(): Promise<GatewayStandIn> {
  const received: Received[] = [];
  const answers = new Map<string, Answer | ((request: Received) => Answer)>(Object.entries(defaults));
  const server = createServer(async (request, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    const entry: Received = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body };
    received.push(entry);
    const found = answers.get(`${entry.method} ${entry.url.split('?')[0]}`);
    const answer = typeof found === 'function' ? found(entry) : (found ?? { status: 404, body: { detail: 'none' } });
    const payload = answer.body === undefined ? '' : JSON.stringify(answer.body);
    response.writeHead(answer.status, {
      ...(payload ? { 'content-type': answer.status >= 400 ? 'application/problem+json' : 'application/json' } : {}),
      ...answer.headers,
    });
    response.end(payload);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answer: (route, answer) => answers.set(route, answer),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
