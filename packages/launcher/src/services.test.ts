import { services as topology } from '@platform/topology';
import { describe, expect, it } from 'vitest';
import { defaultPublicUrl, readyLine, serviceEnvironment } from './platform.js';
import {
  CONTRACT_PORTS,
  defaultServiceNames,
  GATEWAY_URL,
  gatewayUrlFor,
  offsetPorts,
  SERVICE_CLIENTS,
  SERVICES,
  servicesFor,
} from './services.js';

// the contract's services; those `npm run new:service` adds come after them in the list and in every row here
const CONTRACT = ['auth', 'catalog', 'orders', 'gateway', 'storefront', 'loadgen'];
const contract = SERVICES.filter((s) => CONTRACT.includes(s.name));

describe('the service table', () => {
  it('lists every service of the platform list, each after what it calls, with the contract readiness URLs', () => {
    expect(contract.map((s) => [s.name, s.readyUrl])).toEqual([
      ['auth', 'http://127.0.0.1:8081/readyz'],
      ['catalog', 'http://127.0.0.1:9101/readyz'],
      ['orders', 'http://127.0.0.1:9102/readyz'],
      ['gateway', 'http://127.0.0.1:8080/readyz'],
      ['storefront', 'http://127.0.0.1:8082/readyz'],
      ['loadgen', 'http://127.0.0.1:9103/readyz'],
    ]);
    expect(SERVICES.map((s) => s.name).sort()).toEqual(topology.map((s) => s.name).sort());
    expect(GATEWAY_URL).toBe('http://127.0.0.1:8080');
  });

  it('runs all but the load generator by default, and prints where the API and the shop are', () => {
    expect(defaultServiceNames(contract)).toEqual(['auth', 'catalog', 'orders', 'gateway', 'storefront']);
    expect(defaultServiceNames(SERVICES)).not.toContain('loadgen');
    expect(readyLine(SERVICES)).toBe('http://localhost:8080 (gateway), http://localhost:8082 (storefront)');
    expect(readyLine(SERVICES, '0.0.0.0')).toBe(
      'http://localhost:8080 (gateway, listening on 0.0.0.0), http://localhost:8082 (storefront)',
    );
    expect(readyLine(SERVICES.filter((s) => s.name === 'auth'))).toBe('auth');
  });

  it('makes orders the one client of the client-credentials grant, for catalog', () => {
    expect(SERVICE_CLIENTS).toEqual([{ clientId: 'orders', audiences: ['catalog'] }]);
  });

  it('runs each service from its own built entry and pins it to the port its readiness URL uses', () => {
    for (const service of SERVICES) {
      expect(service.entry).toBe(`services/${service.name}/bundle/main.mjs`);
      expect(service.moduleEntry).toBe(`services/${service.name}/dist/main.js`);
      const readyPort = new URL(service.readyUrl).port;
      expect(Object.values(service.env ?? {})).toContain(readyPort);
    }
  });

  it('gives DATABASE_URL to auth, catalog, orders and the storefront, and DATA_DIR to auth only', () => {
    const context = { databaseUrl: 'postgres://x', dataDir: '/data' };
    const envs = Object.fromEntries(SERVICES.map((s) => [s.name, serviceEnvironment(s, {}, context)]));
    for (const name of ['auth', 'catalog', 'orders', 'storefront'])
      expect(envs[name]?.DATABASE_URL).toBe('postgres://x');
    expect(envs.gateway?.DATABASE_URL).toBeUndefined();
    expect(envs.loadgen?.DATABASE_URL).toBeUndefined();
    expect(envs.auth?.DATA_DIR).toBe('/data');
    expect(envs.catalog?.DATA_DIR).toBeUndefined();
  });
});

describe('serviceEnvironment', () => {
  const auth = SERVICES.find((s) => s.name === 'auth')!;
  it('passes the inherited environment on, names the service for tracing unless it is named already', () => {
    const context = { databaseUrl: 'postgres://x', dataDir: '/data' };
    expect(serviceEnvironment(auth, { LOG_LEVEL: 'debug' }, context)).toMatchObject({
      LOG_LEVEL: 'debug',
      OTEL_SERVICE_NAME: 'auth',
    });
    expect(serviceEnvironment(auth, { OTEL_SERVICE_NAME: 'mine' }, context).OTEL_SERVICE_NAME).toBe('mine');
  });

  it('hands auth the client registry and orders its client secret, as files of DATA_DIR/secrets', () => {
    const context = { databaseUrl: 'postgres://x', dataDir: '/data' };
    const orders = SERVICES.find((s) => s.name === 'orders')!;
    expect(serviceEnvironment(auth, {}, context).OAUTH_CLIENTS_FILE).toBe('/data/secrets/oauth-clients.json');
    expect(serviceEnvironment(orders, {}, context)).toMatchObject({
      OAUTH_CLIENT_SECRET_FILE: '/data/secrets/orders-client-secret',
      OAUTH_TOKEN_URL: 'http://127.0.0.1:8081/oauth/token',
    });
    // a secret the operator gives, as the variable or as its file, is left alone
    expect(serviceEnvironment(orders, { OAUTH_CLIENT_SECRET: 's' }, context).OAUTH_CLIENT_SECRET_FILE).toBeUndefined();
    expect(serviceEnvironment(orders, { OAUTH_CLIENT_SECRET_FILE: '/mine' }, context).OAUTH_CLIENT_SECRET_FILE).toBe(
      '/mine',
    );
  });

  it('moves only the gateway to GATEWAY_HOST; the others keep the inherited HOST', () => {
    const context = { databaseUrl: 'postgres://x', dataDir: '/d', gatewayHost: '0.0.0.0' };
    const hosts = Object.fromEntries(
      contract.map((s) => [s.name, serviceEnvironment(s, { HOST: '127.0.0.1' }, context).HOST]),
    );
    expect(hosts).toEqual({
      auth: '127.0.0.1',
      catalog: '127.0.0.1',
      orders: '127.0.0.1',
      gateway: '0.0.0.0',
      storefront: '127.0.0.1',
      loadgen: '127.0.0.1',
    });
    const gateway = SERVICES.find((s) => s.name === 'gateway')!;
    expect(serviceEnvironment(gateway, {}, { databaseUrl: '', dataDir: '/d' }).HOST).toBeUndefined();
  });

  it('gives every service the one PUBLIC_URL it is told, the issuer all of them agree on', () => {
    const context = { databaseUrl: 'postgres://x', dataDir: '/d', publicUrl: 'http://localhost:18080' };
    const urls = Object.fromEntries(contract.map((s) => [s.name, serviceEnvironment(s, {}, context).PUBLIC_URL]));
    expect(urls).toEqual(Object.fromEntries(CONTRACT.map((name) => [name, 'http://localhost:18080'])));
    expect(defaultPublicUrl(offsetPorts(10_000))).toBe('http://localhost:18080');
    expect(defaultPublicUrl(CONTRACT_PORTS)).toBe('http://localhost:8080');
  });

  it('lets the table port win over an inherited PORT', () => {
    const env = serviceEnvironment(auth, { PORT: '3000' }, { databaseUrl: 'postgres://x', dataDir: '/d' });
    expect(env.PORT).toBe('8081');
  });
});

describe('offsetPorts', () => {
  it('moves every port and wires the services to each other on the moved ports', () => {
    const ports = offsetPorts(10_000);
    expect(ports).toMatchObject({
      gateway: 18080,
      auth: 18081,
      catalogGrpc: 60051,
      catalogOps: 19101,
      ordersGrpc: 60052,
      ordersOps: 19102,
      storefront: 18082,
      loadgenOps: 19103,
    });
    const env = Object.fromEntries(servicesFor(ports).map((s) => [s.name, s.env]));
    expect(env.gateway).toMatchObject({
      PORT: '18080',
      AUTH_URL: 'http://127.0.0.1:18081',
      CATALOG_ADDR: '127.0.0.1:60051',
      ORDERS_ADDR: '127.0.0.1:60052',
      JWKS_URL: 'http://127.0.0.1:18081/.well-known/jwks.json',
    });
    expect(env.orders).toMatchObject({ GRPC_PORT: '60052', OPS_PORT: '19102', CATALOG_ADDR: '127.0.0.1:60051' });
    expect(env.catalog).toMatchObject({ GRPC_PORT: '60051', OPS_PORT: '19101' });
    expect(env.auth).toEqual({ PORT: '18081', TRUSTED_PROXIES: 'loopback' });
    expect(env.storefront).toEqual({ PORT: '18082', GATEWAY_URL: 'http://127.0.0.1:18080' });
    expect(env.loadgen).toEqual({ OPS_PORT: '19103', GATEWAY_URL: 'http://127.0.0.1:18080' });
    expect(gatewayUrlFor(ports)).toBe('http://127.0.0.1:18080');
  });

  it('refuses an offset that leaves the port range', () => {
    expect(() => offsetPorts(20_000)).toThrow(RangeError);
  });
});
