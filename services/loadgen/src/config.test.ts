import { ConfigError } from '@platform/service-kit/config';
import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.js';

describe('parseConfig', () => {
  it('has the contract port and a gentle default load', () => {
    expect(parseConfig({})).toMatchObject({
      OPS_PORT: 9103,
      GATEWAY_URL: 'http://127.0.0.1:8080',
      LOADGEN_USERS: 5,
      LOADGEN_RATE: 2,
      mix: { browse: 50, order: 20, orders: 15, cancel: 10, login: 5 },
      LOADGEN_MAX_OPEN_ORDERS: 3,
    });
  });

  it('takes a fractional rate', () => {
    expect(parseConfig({ LOADGEN_RATE: '0.5' }).LOADGEN_RATE).toBe(0.5);
  });

  it('names every bad variable', () => {
    expect(() => parseConfig({ LOADGEN_USERS: '0', LOADGEN_RATE: '0', GATEWAY_URL: 'gateway' })).toThrow(ConfigError);
    try {
      parseConfig({ LOADGEN_USERS: '0', LOADGEN_RATE: '0', GATEWAY_URL: 'gateway' });
    } catch (error) {
      for (const name of ['LOADGEN_USERS', 'LOADGEN_RATE', 'GATEWAY_URL']) expect(String(error)).toContain(name);
    }
    expect(() => parseConfig({ LOADGEN_MIX: 'browse=1,steal=1' })).toThrow(/LOADGEN_MIX names an unknown action/);
  });
});
