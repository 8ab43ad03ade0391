import { describe, expect, it } from 'vitest';
import { date, orderReference, price } from './formats.js';

describe('formats', () => {
  it('writes money, times (in UTC, saying so) and order references', () => {
    expect(price(1299, 'EUR')).toBe('€12.99');
    expect(price(100_000, 'USD')).toBe('$1,000.00');
    expect(date('2026-11-26T03:02:00.000Z')).toBe('Nov 26, 2026, 3:02 AM UTC');
    expect(orderReference('8ac66c93-1d2f-4e5a-8b9c-0d1e2f3a4b5c')).toBe('8AC66C93');
  });
});
