import { describe, expect, it } from 'vitest';
import type { ServiceEntry } from './service-entry.js';
import { services } from './services.js';
import { nameProblem, topologyProblems } from './validate.js';

/** A copy of the list with one change made to it. */
function broken(change: (list: ServiceEntry[]) => void): ServiceEntry[] {
  const list = structuredClone(services) as unknown as ServiceEntry[];
  change(list);
  return list;
}
type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };
const entry = (list: ServiceEntry[], name: string) => list.find((s) => s.name === name) as Mutable<ServiceEntry>;

describe('the list of services', () => {
  it('is sound', () => {
    expect(topologyProblems(services)).toEqual([]);
  });

  it('holds the six services of the contract, each on its contract ports (a fork adds its own after them)', () => {
    expect(services.slice(0, 6).map((s) => [s.name, s.ports])).toEqual([
      ['gateway', { http: 8080 }],
      ['auth', { http: 8081 }],
      ['catalog', { grpc: 50051, ops: 9101 }],
      ['orders', { grpc: 50052, ops: 9102 }],
      ['storefront', { http: 8082 }],
      ['loadgen', { ops: 9103 }],
    ]);
  });
});

describe('the validation finds', () => {
  it('a name listed twice, and a port two services share', () => {
    const problems = topologyProblems(
      broken((list) => {
        list.push({ ...entry(list, 'catalog'), ports: { grpc: 50060, ops: 9102 } });
      }),
    );
    expect(problems).toContain('catalog: listed twice');
    expect(problems).toContain("catalog: ops port 9102 is orders (ordersOps)'s already");
  });

  it('a port on PostgreSQL, out of range, or of the wrong role for the kind', () => {
    const problems = topologyProblems(
      broken((list) => {
        entry(list, 'orders').ports = { grpc: 5432, ops: 70_000 };
        entry(list, 'auth').ports = { grpc: 50070 };
      }),
    );
    expect(problems).toContain("orders: grpc port 5432 is postgres's already");
    expect(problems).toContain('orders: ops port 70000 is not from 1024 to 65535');
    expect(problems).toContain('auth: a http service has the ports http, not grpc');
  });

  it('a call to a service that is not listed, to a worker, or to itself', () => {
    const problems = topologyProblems(
      broken((list) => {
        entry(list, 'orders').calls = [
          { service: 'payments', why: 'x' },
          { service: 'loadgen', why: 'x' },
          { service: 'orders', why: 'x' },
        ];
      }),
    );
    expect(problems).toContain('orders: calls payments, which is not in the list');
    expect(problems).toContain('orders: calls loadgen, a worker that takes no calls');
    expect(problems).toContain('orders: calls itself');
    expect(problems).toContain('loadgen: optional, yet a service calls it (it may not run)');
  });

  it('a service with public routes the edge does not call, and a route outside /api', () => {
    const problems = topologyProblems(
      broken((list) => {
        const gateway = entry(list, 'gateway');
        gateway.calls = gateway.calls.filter((call) => call.service !== 'catalog');
        entry(list, 'orders').publicRoutes = [{ method: 'GET', path: '/orders', bearer: true, idempotent: true }];
      }),
    );
    expect(problems).toContain('catalog: has public routes, but the API edge (gateway) does not call it');
    expect(problems).toContain('orders: public route GET /orders is not under /api/ or /.well-known/');
  });

  it('two token issuers, no API edge, and a service calling another as itself without a token', () => {
    const problems = topologyProblems(
      broken((list) => {
        entry(list, 'catalog').tokenIssuer = true;
        entry(list, 'gateway').apiEdge = false;
        const orders = entry(list, 'orders');
        orders.calls = orders.calls.filter((call) => call.service !== 'auth');
      }),
    );
    expect(problems).toContain('exactly one service must be the token issuer (tokenIssuer); found 2');
    expect(problems).toContain('exactly one service must be the API edge (apiEdge); found 0');
  });

  it('an optional service that autoscales, and a domain service with a single pod', () => {
    const problems = topologyProblems(
      broken((list) => {
        entry(list, 'loadgen').replicas = { min: 2, max: 3 };
        entry(list, 'catalog').replicas = { min: 1, max: 3 };
      }),
    );
    expect(problems).toContain('loadgen: optional, so it has a fixed 0 replicas, not an autoscaler');
    expect(problems).toContain('catalog: autoscaling from 1 to 3; it needs min >= 2 and max >= min');
  });
});

describe('a new service name', () => {
  it.each(['widgets', 'gift-cards', 'a1', 'search2-index'])('%s is fine', (name) => {
    expect(nameProblem(name)).toBeUndefined();
  });

  it.each([
    ['Widgets', 'not kebab-case'],
    ['gift_cards', 'not kebab-case'],
    ['-widgets', 'not kebab-case'],
    ['widgets-', 'not kebab-case'],
    ['gift--cards', 'not kebab-case'],
    ['1widgets', 'not kebab-case'],
    ['postgres', 'reserved word'],
    ['delete', 'reserved word'],
    ['message', 'reserved word'],
    ['a'.repeat(41), 'longer than 40'],
  ])('%s is refused: %s', (name, why) => {
    expect(nameProblem(name)).toContain(why);
  });
});
