import { loadConfig } from '@platform/service-kit';
import { describe, expect, it } from 'vitest';
import { configSchema } from './config.js';

const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/catalog';

describe('catalog config', () => {
  it('applies the platform defaults: gRPC 50051, ops 9101, demo data on, tokens from the local auth service', () => {
    expect(loadConfig(configSchema, { DATABASE_URL })).toMatchObject({
      GRPC_PORT: 50051,
      OPS_PORT: 9101,
      SEED_DEMO_DATA: true,
      JWKS_URL: 'http://127.0.0.1:8081/.well-known/jwks.json',
      PUBLIC_URL: 'http://localhost:8080',
      SERVICE_TOKEN_AUDIENCE: 'catalog',
      STOCK_CLIENTS: 'orders',
      STOCK_HOLD_TTL_MS: 30_000,
      STOCK_HOLD_SWEEP_INTERVAL_MS: 5_000,
      PRODUCT_CACHE: true,
      HOST: '127.0.0.1',
      SHUTDOWN_TIMEOUT_MS: 10_000,
    });
  });

  it('reads SEED_DEMO_DATA=false and numeric ports from strings', () => {
    const config = loadConfig(configSchema, { DATABASE_URL, SEED_DEMO_DATA: 'false', GRPC_PORT: '6000' });
    expect(config.SEED_DEMO_DATA).toBe(false);
    expect(config.GRPC_PORT).toBe(6000);
  });

  it('names each bad variable', () => {
    const load = () =>
      loadConfig(configSchema, {
        OPS_PORT: '-1',
        PUBLIC_URL: 'auth',
        STOCK_CLIENTS: 'orders,,returns',
        STOCK_HOLD_TTL_MS: '0',
      });
    expect(load).toThrow(/DATABASE_URL is required/);
    expect(load).toThrow(/OPS_PORT must be >= 0/);
    expect(load).toThrow(/PUBLIC_URL must be an http:\/\/ or https:\/\/ origin/);
    expect(load).toThrow(/STOCK_CLIENTS must match/);
    expect(load).toThrow(/STOCK_HOLD_TTL_MS must be >= 100/);
  });
});
