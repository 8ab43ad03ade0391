// Login throttling: after too many failed logins for one email, or from one client address (with a higher limit,
// since many users can share an address), further attempts are refused for a while, whatever the password.
import type { FailureKey, FailurePolicy, LoginFailuresRepository } from './login-failures.repository.js';

export interface LoginThrottleSettings {
  maxFailuresPerEmail: number;
  maxFailuresPerIp: number;
  lockoutSeconds: number;
  windowSeconds: number;
}

export interface LoginAttempt {
  /** Normalised (lower-cased) email. */
  email: string;
  clientIp: string;
}

export interface LoginThrottle {
  /** Seconds the attempt must wait before it may be tried; 0 when it may proceed. */
  retryAfterSeconds(attempt: LoginAttempt): Promise<number>;
  recordFailure(attempt: LoginAttempt): Promise<void>;
  /**
   * A successful login clears the email's count. The address's count is kept: otherwise an attacker holding one
   * valid account could reset it between guesses at other accounts.
   */
  recordSuccess(attempt: LoginAttempt): Promise<void>;
  /** Drops counters nobody needs any more, so the table does not grow with every guessed email. */
  deleteStale(): Promise<number>;
}

export function createLoginThrottle(failures: LoginFailuresRepository, settings: LoginThrottleSettings): LoginThrottle {
  const policy = (maxFailures: number): FailurePolicy => ({
    maxFailures,
    windowSeconds: settings.windowSeconds,
    lockoutSeconds: settings.lockoutSeconds,
  });
  const emailKey = (attempt: LoginAttempt): FailureKey => ({ scope: 'email', key: attempt.email });
  const ipKey = (attempt: LoginAttempt): FailureKey => ({ scope: 'ip', key: attempt.clientIp });

  return {
    retryAfterSeconds: (attempt) => failures.lockedForSeconds([emailKey(attempt), ipKey(attempt)]),
    async recordFailure(attempt) {
      await failures.recordFailure(emailKey(attempt), policy(settings.maxFailuresPerEmail));
      await failures.recordFailure(ipKey(attempt), policy(settings.maxFailuresPerIp));
    },
    recordSuccess: (attempt) => failures.clear(emailKey(attempt)),
    deleteStale: () => failures.deleteStale(Math.max(settings.windowSeconds, settings.lockoutSeconds)),
  };
}
