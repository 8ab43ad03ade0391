import { describe, expect, it } from 'vitest';
import { defaultPublicUrl, serviceEnvironment } from './platform.js';
import { CONTRACT_PORTS, GATEWAY_URL, gatewayUrlFor, offsetPorts, SERVICES, servicesFor } from './services.js';

describe('the service table', () => {
  it('lists the platform services with the contract readiness URLs', () => {
    expect(SERVICES.map((s) => [s.name, s.readyUrl])).toEqual([
      ['auth', 'http://127.0.0.1:8081/readyz'],
      ['catalog', 'http://127.0.0.1:9101/readyz'],
      ['orders', 'http://127.0.0.1:9102/readyz'],
      ['gateway', 'http://127.0.0.1:8080/readyz'],
    ]);
    expect(GATEWAY_URL).toBe('http://127.0.0.1:8080');
  });

  it('runs each service from its own built entry and pins it to the port its readiness URL uses', () => {
    for (const service of SERVICES) {
      expect(service.entry).toBe(`services/${service.name}/dist/main.js`);
      const readyPort = new URL(service.readyUrl).port;
      expect(Object.values(service.env ?? {})).toContain(readyPort);
    }
  });

  it('gives DATABASE_URL to auth, catalog and orders, and DATA_DIR to auth only', () => {
    const context = { databaseUrl: 'postgres://x', dataDir: '/data' };
    const envs = Object.fromEntries(SERVICES.map((s) => [s.name, serviceEnvironment(s, {}, context)]));
    for (const name of ['auth', 'catalog', 'orders']) expect(envs[name]?.DATABASE_URL).toBe('postgres://x');
    expect(envs.gateway?.DATABASE_URL).toBeUndefined();
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
      SERVICES.map((s) => [s.name, serviceEnvironment(s, { HOST: '127.0.0.1' }, context).HOST]),
    );
    expect(hosts).toEqual({ auth: '127.0.0.1', catalog: '127.0.0.1', orders: '127.0.0.1', gateway: '0.0.0.0' });
    expect(serviceEnvironment(SERVICES.at(-1)!, {}, { databaseUrl: '', dataDir: '/d' }).HOST).toBeUndefined();
  });

  it('gives every service the one PUBLIC_URL it is told, the issuer all of them agree on', () => {
    const context = { databaseUrl: 'postgres://x', dataDir: '/d', publicUrl: 'http://localhost:18080' };
    const urls = Object.fromEntries(SERVICES.map((s) => [s.name, serviceEnvironment(s, {}, context).PUBLIC_URL]));
    expect(urls).toEqual({
      auth: 'http://localhost:18080',
      catalog: 'http://localhost:18080',
      orders: 'http://localhost:18080',
      gateway: 'http://localhost:18080',
    });
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
    expect(ports).toEqual({
      gateway: 18080,
      auth: 18081,
      catalogGrpc: 60051,
      catalogOps: 19101,
      ordersGrpc: 60052,
      ordersOps: 19102,
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
    expect(gatewayUrlFor(ports)).toBe('http://127.0.0.1:18080');
  });

  it('refuses an offset that leaves the port range', () => {
    expect(() => offsetPorts(20_000)).toThrow(RangeError);
  });
});
