import { describe, expect, it } from 'vitest';
import { serviceEnvironment } from './platform.js';
import { GATEWAY_URL, SERVICES } from './services.js';

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

  it('lets the table port win over an inherited PORT', () => {
    const env = serviceEnvironment(auth, { PORT: '3000' }, { databaseUrl: 'postgres://x', dataDir: '/d' });
    expect(env.PORT).toBe('8081');
  });
});
