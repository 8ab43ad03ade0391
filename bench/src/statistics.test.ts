import { describe, expect, it } from 'vitest';
import { median, pairedRatios, percentile, ratio, round } from './statistics.js';

describe('median', () => {
  it('takes the middle value of an odd count, whatever the order', () => {
    expect(median([9, 1, 5])).toBe(5);
  });
  it('averages the middle two of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it('ignores rounds that produced no number and is NaN for none', () => {
    expect(median([Number.NaN, 7, 3, Number.POSITIVE_INFINITY])).toBe(5);
    expect(median([])).toBeNaN();
  });
});

describe('ratio', () => {
  it('divides subject by baseline', () => {
    expect(ratio(350, 1000)).toBeCloseTo(0.35);
  });
  it('is NaN for a zero or missing baseline instead of Infinity', () => {
    expect(ratio(5, 0)).toBeNaN();
    expect(ratio(5, Number.NaN)).toBeNaN();
  });
});

describe('pairedRatios', () => {
  it('is the ratio of the medians, with the spread of the round-by-round ratios', () => {
    const result = pairedRatios([50, 40, 60], [100, 100, 200]);
    expect(result.ratio).toBeCloseTo(0.5);
    expect(result.min).toBeCloseTo(0.3);
    expect(result.max).toBeCloseTo(0.5);
  });
  it('skips rounds without a partner', () => {
    const result = pairedRatios([10, 20], [20]);
    expect(result.min).toBe(0.5);
    expect(result.max).toBe(0.5);
  });
});

describe('round', () => {
  it('keeps the requested decimals and leaves NaN alone', () => {
    expect(round(0.123456, 3)).toBe(0.123);
    expect(round(Number.NaN)).toBeNaN();
  });
});

describe('percentile', () => {
  const values = Array.from({ length: 100 }, (_, index) => index + 1);
  it('takes the nearest rank', () => {
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([3], 90)).toBe(3);
  });
  it('is NaN for no values', () => {
    expect(percentile([], 50)).toBeNaN();
  });
});
