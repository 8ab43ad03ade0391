// Reserving a login attempt before its password is checked, and settling it afterwards: the throttle rules of
// login-throttle.ts applied to the stored state (login-attempts.repository.ts) under row locks.
import type { LoginAttemptsRepository } from './login-attempts.repository.js';
import {
  accountFailed,
  accountReleased,
  accountSucceeded,
  addressFailed,
  addressRefunded,
  LOCKOUT_MEMORY_SECONDS,
  type LoginThrottleSettings,
  newAccountAttempts,
  newAddressBudget,
  reserveAccount,
  reserveAddress,
} from './login-throttle.js';

export interface LoginAttempt {
  /** Normalised (lower-cased) email. */
  email: string;
  /** The client's address, as far as the trusted proxies tell it. */
  clientIp: string;
}

export type Reservation = { granted: true } | { granted: false; retryAfterSeconds: number };

export interface LoginReservations {
  /** Counts the attempt before anything else happens, or refuses it (nothing is counted then). */
  reserve(attempt: LoginAttempt): Promise<Reservation>;
  /** The password was wrong (or the account unknown): the reservation stays spent. */
  failed(attempt: LoginAttempt): Promise<void>;
  /** The password was right: the account starts over, the address gets its reservation back. */
  succeeded(attempt: LoginAttempt): Promise<void>;
  /**
   * Nothing was decided (an error, hashing too busy): both get the reservation back. When the database refuses, the
   * release is owed and paid before the next reservation.
   */
  release(attempt: LoginAttempt): Promise<void>;
  /** Drops rows nobody needs any more, so the tables do not grow with every guessed email. */
  deleteStale(): Promise<number>;
}

/** Bounds the memory owed releases take while the database is away; beyond it the unsettled expiry gives back. */
const MAX_OWED_RELEASES = 1_000;

export function createLoginReservations(
  attempts: LoginAttemptsRepository,
  settings: LoginThrottleSettings,
): LoginReservations {
  const keys = (attempt: LoginAttempt) => ({
    email: attempt.email,
    address: attempt.clientIp,
    addressCapacity: settings.maxFailuresPerAddress,
  });

  const releaseNow = (attempt: LoginAttempt) =>
    attempts.change(keys(attempt), ({ now, account, address }) => ({
      account: accountReleased(account ?? newAccountAttempts(now)),
      address: addressRefunded(address ?? newAddressBudget(now, settings), now, settings),
      result: undefined,
    }));
  // releases the database refused (it went away mid-login), paid before this process's next reservation: a database
  // outage then costs nobody an attempt; a process that dies owing them leaves them to the unsettled expiry
  const owed: LoginAttempt[] = [];
  const payOwed = async () => {
    while (owed.length > 0) {
      await releaseNow(owed[0]!);
      owed.shift();
    }
  };

  return {
    reserve: async (attempt) => {
      await payOwed().catch(() => {}); // still unreachable: the reservation below fails the same way
      return attempts.change<Reservation>(keys(attempt), ({ now, account, address }) => {
        const forAccount = reserveAccount(account ?? newAccountAttempts(now), now, settings);
        const forAddress = reserveAddress(address ?? newAddressBudget(now, settings), now, settings);
        if (forAccount.granted && forAddress.granted) {
          return { account: forAccount.state, address: forAddress.state, result: { granted: true } };
        }
        const waits = [forAccount, forAddress].map((decision) => (decision.granted ? 0 : decision.retryAfterSeconds));
        // refused: nothing is counted, on either
        return { result: { granted: false, retryAfterSeconds: Math.max(...waits) } };
      });
    },

    failed: (attempt) =>
      attempts.change(keys(attempt), ({ now, account, address }) => ({
        account: accountFailed(account ?? newAccountAttempts(now), now, settings),
        address: addressFailed(address ?? newAddressBudget(now, settings)),
        result: undefined,
      })),

    succeeded: (attempt) =>
      attempts.change(keys(attempt), ({ now, address }) => ({
        account: accountSucceeded(now),
        address: addressRefunded(address ?? newAddressBudget(now, settings), now, settings),
        result: undefined,
      })),

    release: async (attempt) => {
      try {
        await releaseNow(attempt);
      } catch (error) {
        if (owed.length < MAX_OWED_RELEASES) owed.push(attempt);
        throw error;
      }
    },

    deleteStale: () =>
      attempts.deleteStale(Math.max(settings.windowSeconds, settings.maxLockoutSeconds), LOCKOUT_MEMORY_SECONDS),
  };
}
