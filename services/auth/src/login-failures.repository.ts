// Storage of failed logins in auth.login_failures: one counter per (scope, key), e.g. ('email', 'a@b.c') or
// ('ip', '203.0.113.7'), kept in PostgreSQL so a lockout holds across replicas and restarts.
import type { Pool } from '@platform/service-kit';

export type FailureScope = 'email' | 'ip';

export interface FailureKey {
  scope: FailureScope;
  key: string;
}

export interface FailurePolicy {
  maxFailures: number;
  windowSeconds: number;
  lockoutSeconds: number;
}

export interface LoginFailuresRepository {
  /** Seconds until the longest lock among `keys` ends; 0 when none is locked. */
  lockedForSeconds(keys: FailureKey[]): Promise<number>;
  /** Counts a failure; when it reaches the policy's maximum, locks the key and starts a new count. */
  recordFailure(key: FailureKey, policy: FailurePolicy): Promise<void>;
  clear(key: FailureKey): Promise<void>;
  /** Deletes counters whose window and lock are both over; returns how many. */
  deleteStale(windowSeconds: number): Promise<number>;
}

export function createLoginFailuresRepository(pool: Pool): LoginFailuresRepository {
  return {
    async lockedForSeconds(keys) {
      if (keys.length === 0) return 0;
      const { rows } = await pool.query<{ seconds: number | null }>(
        `SELECT ceil(extract(epoch FROM max(locked_until) - now()))::integer AS seconds
         FROM auth.login_failures
         WHERE (scope, key) IN (SELECT * FROM unnest($1::text[], $2::text[])) AND locked_until > now()`,
        [keys.map((k) => k.scope), keys.map((k) => k.key)],
      );
      return Math.max(0, rows[0]?.seconds ?? 0);
    },

    async recordFailure({ scope, key }, { maxFailures, windowSeconds, lockoutSeconds }) {
      // a count whose window is over starts again at 1
      const { rows } = await pool.query<{ failures: number }>(
        `INSERT INTO auth.login_failures AS f (scope, key, failures, window_started_at)
         VALUES ($1, $2, 1, now())
         ON CONFLICT (scope, key) DO UPDATE SET
           failures = CASE WHEN f.window_started_at > now() - $3::integer * interval '1 second' THEN f.failures + 1 ELSE 1 END,
           window_started_at = CASE WHEN f.window_started_at > now() - $3::integer * interval '1 second'
                                    THEN f.window_started_at ELSE now() END
         RETURNING failures`,
        [scope, key, windowSeconds],
      );
      if ((rows[0]?.failures ?? 0) < maxFailures) return;
      await pool.query(
        `UPDATE auth.login_failures
         SET failures = 0, window_started_at = now(), locked_until = now() + $3::integer * interval '1 second'
         WHERE scope = $1 AND key = $2`,
        [scope, key, lockoutSeconds],
      );
    },

    async clear({ scope, key }) {
      await pool.query('DELETE FROM auth.login_failures WHERE scope = $1 AND key = $2', [scope, key]);
    },

    async deleteStale(windowSeconds) {
      const { rowCount } = await pool.query(
        `DELETE FROM auth.login_failures
         WHERE window_started_at < now() - $1::integer * interval '1 second' AND (locked_until IS NULL OR locked_until <= now())`,
        [windowSeconds],
      );
      return rowCount ?? 0;
    },
  };
}
