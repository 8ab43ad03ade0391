// What a person reads when the platform says no: each problem the gateway answers becomes a sentence that says
// what happened and what to do, never a status code or a stack trace.
import type { GatewayProblem } from './gateway-client.js';

export type OrderConflict = 'in-progress' | 'form-reused' | 'out-of-stock';

/** The three 409s of placing an order, told apart by the orders service's detail (its contract's texts). */
export function orderConflictOf(problem: GatewayProblem): OrderConflict {
  if (/still being placed/i.test(problem.detail)) return 'in-progress';
  if (/idempotency key was already used/i.test(problem.detail)) return 'form-reused';
  return 'out-of-stock';
}

const seconds = (n: number) => (n === 1 ? '1 second' : `${n} seconds`);

/** A sentence for problems any page can meet: too many requests, a service away, a slow answer. */
export function messageFor(problem: GatewayProblem): string {
  switch (problem.status) {
    case 429:
      return `Too many requests right now. Please wait ${seconds(problem.retryAfterSeconds ?? 1)} and try again.`;
    case 503:
    case 502:
      return 'Part of the shop is not available right now. Please try again in a moment.';
    case 504:
      return 'The shop took too long to answer. Please try again in a moment.';
    case 404:
      return 'We could not find that.';
    default:
      return 'Something went wrong on our side. Please try again.';
  }
}
