import { describe, expect, it } from 'vitest';
import { GatewayProblem, retryAfterSeconds } from './gateway-client.js';
import { messageFor, orderConflictOf } from './gateway-messages.js';
import { noticeText } from './notices.js';

describe('orderConflictOf', () => {
  it("tells the orders service's three conflicts apart", () => {
    const conflict = (detail: string) => orderConflictOf(new GatewayProblem(409, detail));
    expect(conflict('An order with this idempotency key is still being placed; retry shortly')).toBe('in-progress');
    expect(conflict('This idempotency key was already used for a different order')).toBe('form-reused');
    expect(conflict('Not enough stock for this order; nothing was reserved')).toBe('out-of-stock');
  });
});

describe('messageFor', () => {
  it('speaks to a person, with the wait when the gateway gave one', () => {
    expect(messageFor(new GatewayProblem(429, 'Rate limit', 7))).toBe(
      'Too many requests right now. Please wait 7 seconds and try again.',
    );
    expect(messageFor(new GatewayProblem(503, 'x'))).toMatch(/not available right now/);
    expect(messageFor(new GatewayProblem(504, 'x'))).toMatch(/too long/);
    expect(messageFor(new GatewayProblem(500, 'stack trace here'))).not.toContain('stack');
  });
});

describe('retryAfterSeconds', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(retryAfterSeconds('3')).toBe(3);
    expect(retryAfterSeconds('Thu, 01 Jan 1970 00:00:10 GMT', 0)).toBe(10);
    expect(retryAfterSeconds('Thu, 01 Jan 1970 00:00:10 GMT', 60_000)).toBe(0);
    expect(retryAfterSeconds(null)).toBeUndefined();
    expect(retryAfterSeconds('soon')).toBeUndefined();
  });
});

describe('noticeText', () => {
  it('shows only its own texts', () => {
    expect(noticeText('order-placed')).toBe('Thank you! Your order is placed.');
    expect(noticeText('<script>alert(1)</script>')).toBeUndefined();
    expect(noticeText('toString')).toBeUndefined();
    expect(noticeText(['order-placed'])).toBeUndefined();
  });
});
