// Storage of login attempts: per account in auth.login_account_attempts, per client address in
// auth.login_address_budgets, kept in PostgreSQL so the limits hold across replicas and restarts. Every change runs
// on rows locked for the length of one short transaction (never while a password is being checked), so concurrent
// attempts on one account or address are decided one after another.
import { inTransaction, type Pool, type PoolClient } from '@platform/service-kit';
import type { AccountAttempts, AddressBudget } from './login-throttle.js';

export interface LockedAttempts {
  /** The database's clock, seconds since the epoch: one clock for every replica. */
  now: number;
  account?: AccountAttempts;
  address?: AddressBudget;
}

export interface AttemptChanges<T> {
  account?: AccountAttempts;
  address?: AddressBudget;
  result: T;
}

export interface AttemptKeys {
  email?: string;
  address?: string;
  /** Tokens of an address budget created by this change. */
  addressCapacity: number;
}

export interface LoginAttemptsRepository {
  /**
   * Locks the rows of `keys` (created when missing; the account's first, always, so two changes never wait on each
   * other), hands their state to `decide`, writes the states it returns and commits.
   */
  change<T>(keys: AttemptKeys, decide: (locked: LockedAttempts) => AttemptChanges<T>): Promise<T>;
  /** Deletes rows that no longer hold anything: windows over, lockouts forgotten, budgets full again. */
  deleteStale(windowSeconds: number, lockoutMemorySeconds: number): Promise<number>;
}

const epoch = (column: string) => `extract(epoch FROM ${column})::float8`;

export function createLoginAttemptsRepository(pool: Pool): LoginAttemptsRepository {
  return {
    change(keys, decide) {
      return inTransaction(pool, async (client) => {
        const { rows } = await client.query<{ now: number }>(`SELECT ${epoch('clock_timestamp()')} AS now`);
        const locked: LockedAttempts = { now: rows[0]!.now };
        if (keys.email !== undefined) locked.account = await lockAccount(client, keys.email);
        if (keys.address !== undefined) locked.address = await lockAddress(client, keys.address, keys.addressCapacity);
        const changes = decide(locked);
        if (keys.email !== undefined && changes.account) await writeAccount(client, keys.email, changes.account);
        if (keys.address !== undefined && changes.address) await writeAddress(client, keys.address, changes.address);
        return changes.result;
      });
    },

    async deleteStale(windowSeconds, lockoutMemorySeconds) {
      const accounts = await pool.query(
        `DELETE FROM auth.login_account_attempts
         WHERE window_started_at < now() - $1::integer * interval '1 second'
           AND (locked_until IS NULL OR locked_until < now() - $2::integer * interval '1 second')`,
        [windowSeconds, lockoutMemorySeconds],
      );
      // a budget untouched for a whole window has refilled completely: the same as no row
      const addresses = await pool.query(
        `DELETE FROM auth.login_address_budgets WHERE refilled_at < now() - $1::integer * interval '1 second'`,
        [windowSeconds],
      );
      return (accounts.rowCount ?? 0) + (addresses.rowCount ?? 0);
    },
  };
}

// INSERT ... ON CONFLICT DO UPDATE inserts the row or locks the existing one, in one statement, and returns it
async function lockAccount(client: PoolClient, email: string): Promise<AccountAttempts> {
  const { rows } = await client.query<AccountAttempts>(
    `INSERT INTO auth.login_account_attempts AS a (email, attempts, window_started_at, lockouts)
     VALUES ($1, 0, clock_timestamp(), 0)
     ON CONFLICT (email) DO UPDATE SET email = a.email
     RETURNING attempts, ${epoch('window_started_at')} AS "windowStartedAt",
               ${epoch('locked_until')} AS "lockedUntil", lockouts,
               unsettled, ${epoch('unsettled_until')} AS "unsettledUntil"`,
    [email],
  );
  return rows[0]!;
}

async function lockAddress(client: PoolClient, address: string, capacity: number): Promise<AddressBudget> {
  const { rows } = await client.query<AddressBudget>(
    `INSERT INTO auth.login_address_budgets AS b (address, tokens, refilled_at)
     VALUES ($1, $2, clock_timestamp())
     ON CONFLICT (address) DO UPDATE SET address = b.address
     RETURNING tokens, ${epoch('refilled_at')} AS "refilledAt",
               unsettled, ${epoch('unsettled_until')} AS "unsettledUntil"`,
    [address, capacity],
  );
  return rows[0]!;
}

async function writeAccount(client: PoolClient, email: string, state: AccountAttempts): Promise<void> {
  await client.query(
    `UPDATE auth.login_account_attempts
     SET attempts = $2, window_started_at = to_timestamp($3), locked_until = to_timestamp($4), lockouts = $5,
         unsettled = $6, unsettled_until = to_timestamp($7)
     WHERE email = $1`,
    [
      email,
      state.attempts,
      state.windowStartedAt,
      state.lockedUntil,
      state.lockouts,
      state.unsettled,
      state.unsettledUntil,
    ],
  );
}

async function writeAddress(client: PoolClient, address: string, budget: AddressBudget): Promise<void> {
  await client.query(
    `UPDATE auth.login_address_budgets
     SET tokens = $2, refilled_at = to_timestamp($3), unsettled = $4, unsettled_until = to_timestamp($5)
     WHERE address = $1`,
    [address, budget.tokens, budget.refilledAt, budget.unsettled, budget.unsettledUntil],
  );
}
