// Two replicas of auth, catalog and orders behind compose's DNS, each replica restarted in turn (SIGTERM, a
// graceful drain, a new container process) while users read the catalog, log in and place orders: not one request
// fails, because every replica drains before it goes and its twin takes the new connections.
// scripts/compose/test-compose.sh scales the stack to two replicas before this runs.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { docker, serviceContainers, waitContainerHealthy } from '../compose/docker-cli.js';
import { type ApiClient, createApiClient, newUser } from '../src/http-client.js';
import { startTraffic, type TrafficRequest } from '../src/traffic.js';

const baseUrl = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:8080';
const api = createApiClient(() => baseUrl);
const REPLICATED = ['auth', 'catalog', 'orders'];
let requests: TrafficRequest[];

beforeAll(async () => {
  for (const service of REPLICATED) {
    const replicas = await serviceContainers(service);
    expect(`${service}: ${replicas.length} replicas`).toBe(`${service}: 2 replicas`);
    for (const replica of replicas) await waitContainerHealthy(replica.Id);
  }
  const user = await newUser(api, 'replicas');
  const products = (await api('GET', '/api/catalog/products')).json.items as { id: string; stock: number }[];
  const product = products.reduce((most, next) => (next.stock > most.stock ? next : most));
  requests = [
    { name: 'catalog read', call: (client: ApiClient) => client('GET', '/api/catalog/products') },
    {
      name: 'login',
      call: (client: ApiClient) =>
        client('POST', '/api/auth/login', { body: { email: user.email, password: user.password } }),
    },
    {
      name: 'placement',
      call: (client: ApiClient) =>
        client('POST', '/api/orders', {
          token: user.accessToken,
          headers: { 'idempotency-key': randomUUID() },
          body: { items: [{ productId: product.id, quantity: 1 }] },
        }),
    },
  ];
}, 180_000);

describe('two replicas of each domain service', () => {
  it('serve every request while each replica in turn is restarted', async () => {
    // about 6 requests a second: under the gateway's 600 a minute for one client for the whole run
    const traffic = startTraffic(api, requests, { workers: 3, pauseMs: 400 });
    const restarts: string[] = [];
    try {
      for (const service of REPLICATED) {
        for (const replica of await serviceContainers(service)) {
          const began = traffic.now();
          await docker('restart', '--time', '20', replica.Id);
          await waitContainerHealthy(replica.Id);
          const served = traffic.answers.filter((a) => a.at >= began).length;
          restarts.push(`${service} #${replica.Config.Labels['com.docker.compose.container-number']}: ${served}`);
        }
      }
    } finally {
      await traffic.stop();
    }

    const failed = traffic.answers.filter((a) => a.status !== 200 && a.status !== 201);
    expect(failed.map((a) => `${a.request}: ${a.status} after ${Math.round(a.ms)} ms`)).toEqual([]);
    for (const { name } of requests) {
      expect(traffic.answers.filter((a) => a.request === name).length).toBeGreaterThan(10);
    }
    console.log(
      `${traffic.answers.length} requests, none failed, over ${restarts.length} replica restarts ` +
        `(requests sent during each: ${restarts.join(', ')})`,
    );
  });
});
