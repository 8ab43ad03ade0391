// Confirmations shown after a redirect (`?notice=order-placed`): only these fixed texts, so the query string can
// never put words of its own on a page.
const NOTICES = {
  registered: 'Welcome! Your account is ready and you are logged in.',
  'logged-in': 'You are logged in.',
  'logged-out': 'You are logged out.',
  'session-ended': 'Your session has ended. Please log in again.',
  'order-placed': 'Thank you! Your order is placed.',
  'order-cancelled': 'Your order is cancelled. Its items are back in stock.',
  'already-cancelled': 'This order was already cancelled.',
} as const;

export type Notice = keyof typeof NOTICES;

export function noticeText(value: unknown): string | undefined {
  return typeof value === 'string' && Object.hasOwn(NOTICES, value) ? NOTICES[value as Notice] : undefined;
}
