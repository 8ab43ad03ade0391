import { describe, expect, it } from 'vitest';
import { createBackoff } from './backoff.js';

describe('Backoff', () => {
  it('doubles its ceiling with each failure up to the maximum, and resets on success', () => {
    const backoff = createBackoff({ baseMs: 250, maxMs: 2_000, random: () => 1 });
    expect([backoff.next(), backoff.next(), backoff.next(), backoff.next(), backoff.next()]).toEqual([
      250, 500, 1_000, 2_000, 2_000,
    ]);
    expect(backoff.consecutiveFailures).toBe(5);
    backoff.reset();
    expect(backoff.next()).toBe(250);
  });

  it('spreads shoppers over the whole interval (full jitter)', () => {
    const backoff = createBackoff({ baseMs: 1_000, maxMs: 10_000, random: () => 0.25 });
    expect(backoff.next()).toBe(250);
  });
});
