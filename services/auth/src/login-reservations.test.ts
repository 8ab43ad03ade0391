import { describe, expect, it } from 'vitest';
import type {
  AttemptChanges,
  AttemptKeys,
  LockedAttempts,
  LoginAttemptsRepository,
} from './login-attempts.repository.js';
import { createLoginReservations } from './login-reservations.js';
import type { AccountAttempts, AddressBudget, LoginThrottleSettings } from './login-throttle.js';

const settings: LoginThrottleSettings = {
  maxFailuresPerAccount: 5,
  windowSeconds: 900,
  lockoutSeconds: 60,
  maxLockoutSeconds: 3600,
  maxFailuresPerAddress: 20,
};

/** The repository's contract over two maps, with a switch that makes it refuse as a database that went away does. */
function storageThatCanGoAway() {
  const accounts = new Map<string, AccountAttempts>();
  const addresses = new Map<string, AddressBudget>();
  const storage = { away: false, accounts };
  const repository: LoginAttemptsRepository = {
    async change<T>(keys: AttemptKeys, decide: (locked: LockedAttempts) => AttemptChanges<T>): Promise<T> {
      if (storage.away) throw Object.assign(new Error('the database system is shutting down'), { code: '57P03' });
      const locked: LockedAttempts = { now: 1_000 };
      if (keys.email !== undefined) locked.account = accounts.get(keys.email);
      if (keys.address !== undefined) locked.address = addresses.get(keys.address);
      const changes = decide(locked);
      if (keys.email !== undefined && changes.account) accounts.set(keys.email, changes.account);
      if (keys.address !== undefined && changes.address) addresses.set(keys.address, changes.address);
      return changes.result;
    },
    deleteStale: async () => 0,
  };
  return { storage, repository };
}

describe('login reservations', () => {
  it('owe the releases the database refused and pay them before the next reservation', async () => {
    const { storage, repository } = storageThatCanGoAway();
    const reservations = createLoginReservations(repository, settings);
    const attempt = { email: 'ada@example.com', clientIp: '192.0.2.1' };

    // five logins reserved, then the database goes away before any of them is settled
    for (let i = 0; i < 5; i++) expect(await reservations.reserve(attempt)).toEqual({ granted: true });
    storage.away = true;
    for (let i = 0; i < 5; i++) await expect(reservations.release(attempt)).rejects.toThrow(/shutting down/);
    expect(storage.accounts.get(attempt.email)?.attempts).toBe(5);

    // back: the next login is granted, because the five owed releases were paid first
    storage.away = false;
    expect(await reservations.reserve(attempt)).toEqual({ granted: true });
    expect(storage.accounts.get(attempt.email)).toMatchObject({ attempts: 1, unsettled: 1 });
  });
});
