import { expect, it } from 'vitest';
import { databases } from './databases.js';
import { metricsTargets } from './metrics-targets.js';
import { examplePath, publicApi } from './public-api.js';
import { requestFlow } from './request-flow.js';
import { serviceClients } from './service-clients.js';
import { services as all } from './services.js';

// the contract's services; what `npm run new:service` adds comes after them and is held by the same rules
const services = all.slice(0, 6);

it('derives the request flow: the public entries, every call on its callee port, every database', () => {
  expect(requestFlow(services)).toEqual([
    'ingress->gateway:8080',
    'ingress->storefront:8082',
    'gateway->auth:8081',
    'gateway->catalog:50051',
    'gateway->orders:50052',
    'auth->postgres:5432',
    'catalog->auth:8081',
    'catalog->postgres:5432',
    'orders->catalog:50051',
    'orders->auth:8081',
    'orders->postgres:5432',
    'storefront->gateway:8080',
    'storefront->postgres:5432',
    'loadgen->gateway:8080',
  ]);
});

it('derives a database and role per service with storage, and the service clients of the token issuer', () => {
  expect(databases(services)).toEqual([
    { service: 'auth', database: 'auth' },
    { service: 'catalog', database: 'catalog' },
    { service: 'orders', database: 'orders' },
    { service: 'storefront', database: 'storefront' },
  ]);
  expect(serviceClients(services)).toEqual([{ clientId: 'orders', audiences: ['catalog'] }]);
});

it('derives the metrics targets: the HTTP port, or the ops port beside an API', () => {
  expect(metricsTargets(services).map((t) => `${t.service}:${t.port}`)).toEqual([
    'gateway:8080',
    'auth:8081',
    'catalog:9101',
    'orders:9102',
    'storefront:8082',
    'loadgen:9103',
  ]);
});

it('derives the public API, each route with the service that answers it behind the edge', () => {
  const api = publicApi(services);
  expect(api).toHaveLength(14);
  expect(api).toContainEqual({
    method: 'POST',
    path: '/api/orders/:id/cancel',
    bearer: true,
    idempotent: false,
    service: 'orders',
  });
  expect(examplePath('/api/orders/:id/cancel')).toBe('/api/orders/0b6e3c1e-4f5a-4d7e-9c2b-1f2e3d4c5b6a/cancel');
});
