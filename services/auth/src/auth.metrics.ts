// Auth's own metrics, beside service-kit's RED metrics: what logins end in, how many passwords were checked (the
// throttle bounds this, whatever the number of concurrent guesses) and how many hashes ever ran at once.
import type { Metrics } from '@platform/service-kit';
import { Counter, Gauge } from 'prom-client';
import type { PasswordHasher } from './passwords.js';

export type LoginOutcome = 'success' | 'failure' | 'throttled' | 'busy';

/** What the auth service reports as it works. */
export interface AuthEvents {
  /** A login checked a password (a real or the dummy hash). */
  passwordChecked(): void;
  login(outcome: LoginOutcome): void;
}

export function createAuthMetrics(metrics: Metrics, passwords: PasswordHasher): AuthEvents {
  const registers = [metrics.registry];
  const checks = new Counter({
    name: 'auth_password_checks_total',
    help: 'Passwords checked by logins (each one scrypt derivation)',
    registers,
  });
  const logins = new Counter({
    name: 'auth_logins_total',
    help: 'Logins by outcome: success, failure (bad credentials), throttled (429), busy (503, hashing queue full)',
    labelNames: ['outcome'] as const,
    registers,
  });
  new Gauge({
    name: 'auth_password_hashing_peak_concurrent',
    help: 'The most scrypt derivations that ever ran at once (bounded by PASSWORD_HASH_CONCURRENCY)',
    registers,
    collect() {
      this.set(passwords.stats().peakConcurrent);
    },
  });
  return {
    passwordChecked: () => checks.inc(),
    login: (outcome) => logins.inc({ outcome }),
  };
}
