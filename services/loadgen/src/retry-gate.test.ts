import { describe, expect, it } from 'vitest';
import { createRetryGate, retryAfterSeconds } from './retry-gate.js';

describe('RetryGate', () => {
  it('holds every request back until the Retry-After time, never shortening a longer pause', () => {
    let now = 0;
    const gate = createRetryGate({ maxPauseMs: 30_000, now: () => now });
    expect(gate.waitMs()).toBe(0);
    expect(gate.pauseFor(2)).toBe(2_000);
    expect(gate.waitMs()).toBe(2_000);
    gate.pauseFor(1);
    expect(gate.waitMs()).toBe(2_000);
    now = 1_500;
    expect(gate.waitMs()).toBe(500);
    now = 2_000;
    expect(gate.waitMs()).toBe(0);
  });

  it('caps a pause at maxPauseMs', () => {
    const gate = createRetryGate({ maxPauseMs: 5_000, now: () => 0 });
    expect(gate.pauseFor(3_600)).toBe(5_000);
    expect(gate.waitMs()).toBe(5_000);
  });
});

describe('retryAfterSeconds', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(retryAfterSeconds('2')).toBe(2);
    expect(retryAfterSeconds('Thu, 01 Jan 1970 00:00:05 GMT', 1_000)).toBe(4);
    expect(retryAfterSeconds(null)).toBeUndefined();
    expect(retryAfterSeconds('later')).toBeUndefined();
  });
});
