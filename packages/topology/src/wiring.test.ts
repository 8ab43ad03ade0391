import { expect, it } from 'vitest';
import { inCallOrder } from './call-order.js';
import { grpcCallees } from './grpc-callees.js';
import { CONTRACT_PORTS, portKey } from './ports.js';
import type { ServiceEntry } from './service-entry.js';
import { services } from './services.js';
import { callEnv, listenEnv } from './wiring.js';

const named = (name: string) => services.find((s) => s.name === name)! as ServiceEntry;

it('keys every port of the contract by service and role', () => {
  expect(CONTRACT_PORTS).toMatchObject({
    gateway: 8080,
    auth: 8081,
    catalogGrpc: 50051,
    catalogOps: 9101,
    ordersGrpc: 50052,
    ordersOps: 9102,
    storefront: 8082,
    loadgenOps: 9103,
  });
  expect(portKey('gift-cards', 'grpc')).toBe('giftCardsGrpc');
});

it('wires each service to what it calls, wherever the callee is found', () => {
  const compose = (callee: ServiceEntry, role: 'http' | 'grpc' | 'ops') => `${callee.name}:${callee.ports[role]}`;
  const gateway = callEnv(named('gateway'), services, compose);
  const contract = {
    AUTH_URL: 'http://auth:8081',
    JWKS_URL: 'http://auth:8081/.well-known/jwks.json',
    CATALOG_ADDR: 'catalog:50051',
    ORDERS_ADDR: 'orders:50052',
  };
  expect(gateway).toMatchObject(contract);
  // the services `npm run new:service` added with a public route: only their gRPC addresses
  const added = Object.keys(gateway).filter((name) => !(name in contract));
  expect(added.filter((name) => !/^[A-Z0-9_]+_ADDR$/.test(name))).toEqual([]);
  expect(callEnv(named('orders'), services, compose)).toEqual({
    CATALOG_ADDR: 'catalog:50051',
    JWKS_URL: 'http://auth:8081/.well-known/jwks.json',
    OAUTH_TOKEN_URL: 'http://auth:8081/oauth/token',
  });
  expect(callEnv(named('storefront'), services, compose)).toEqual({ GATEWAY_URL: 'http://gateway:8080' });
  expect(callEnv(named('auth'), services, compose)).toEqual({});
});

it('sets the ports a service listens on with the variables of its kind', () => {
  const port = (role: string) => 1000 + role.length;
  expect(listenEnv(named('gateway'), port)).toEqual({ PORT: '1004' });
  expect(listenEnv(named('catalog'), port)).toEqual({ GRPC_PORT: '1004', OPS_PORT: '1003' });
  expect(listenEnv(named('loadgen'), port)).toEqual({ OPS_PORT: '1003' });
});

it('orders the services so that each comes after those it calls', () => {
  expect(inCallOrder(services.slice(0, 6)).map((s) => s.name)).toEqual([
    'auth',
    'catalog',
    'orders',
    'gateway',
    'storefront',
    'loadgen',
  ]);
});

it("names the gateway's gRPC callees and the variables of their addresses", () => {
  expect(grpcCallees('gateway').map((c) => [c.service.name, c.variable])).toEqual(
    expect.arrayContaining([
      ['catalog', 'CATALOG_ADDR'],
      ['orders', 'ORDERS_ADDR'],
    ]),
  );
});
