import { describe, expect, it } from 'vitest';
import { isRuntimeSource } from './source-watcher.js';

describe('isRuntimeSource', () => {
  it('counts sources, JSON and protos; not tests, generated code or editor files', () => {
    expect(isRuntimeSource('orders.service.ts')).toBe(true);
    expect(isRuntimeSource('platform/orders/v1/orders.proto')).toBe(true);
    expect(isRuntimeSource('orders.service.test.ts')).toBe(false);
    expect(isRuntimeSource('gen/platform/orders/v1/orders.ts')).toBe(false);
    expect(isRuntimeSource('.orders.service.ts.swp')).toBe(false);
    expect(isRuntimeSource('orders.service.ts~')).toBe(false);
  });
});
