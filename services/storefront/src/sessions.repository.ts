// The only SQL of the storefront: session rows, their expiry, and the lease that lets one request at a time refresh
// a session's tokens across replicas. Times come from the database's clock, the one every replica shares.
import type { Pool } from '@platform/service-kit';

export interface SessionRow {
  data: Buffer;
  expiresAt: Date;
  absoluteExpiresAt: Date;
  /** Set while some request holds the refresh lease. */
  refreshLeaseUntil: Date | null;
}

const COLUMNS = `data, expires_at AS "expiresAt", absolute_expires_at AS "absoluteExpiresAt",
  refresh_lease_until AS "refreshLeaseUntil"`;

export interface SessionsRepository {
  insert(lookup: Buffer, data: Buffer, idleSeconds: number, absoluteSeconds: number): Promise<SessionRow>;
  /** The session if it has not expired. */
  find(lookup: Buffer): Promise<SessionRow | undefined>;
  /** Slides the idle expiry forward; returns the new one (undefined when the session is gone). */
  touch(lookup: Buffer, idleSeconds: number): Promise<Date | undefined>;
  delete(lookup: Buffer): Promise<void>;
  deleteExpired(): Promise<number>;
  /**
   * Takes the refresh lease if nobody holds it (or the holder's ran out) and returns the data as it is now;
   * undefined when another request holds it or the session is gone.
   */
  takeRefreshLease(lookup: Buffer, leaseMs: number): Promise<Buffer | undefined>;
  /** Gives the lease back, storing the refreshed data when there is some. */
  releaseRefreshLease(lookup: Buffer, data?: Buffer): Promise<void>;
}

export function createSessionsRepository(pool: Pool): SessionsRepository {
  return {
    async insert(lookup: Buffer, data: Buffer, idleSeconds: number, absoluteSeconds: number) {
      const { rows } = await pool.query<SessionRow>(
        `INSERT INTO storefront.sessions (lookup, data, expires_at, absolute_expires_at)
         VALUES ($1, $2, now() + make_interval(secs => $3), now() + make_interval(secs => $4))
         RETURNING ${COLUMNS}`,
        [lookup, data, Math.min(idleSeconds, absoluteSeconds), absoluteSeconds],
      );
      return rows[0]!;
    },

    async find(lookup: Buffer) {
      const { rows } = await pool.query<SessionRow>(
        `SELECT ${COLUMNS} FROM storefront.sessions WHERE lookup = $1 AND expires_at > now()`,
        [lookup],
      );
      return rows[0];
    },

    async touch(lookup: Buffer, idleSeconds: number) {
      const { rows } = await pool.query<{ expiresAt: Date }>(
        `UPDATE storefront.sessions
         SET expires_at = least(now() + make_interval(secs => $2), absolute_expires_at)
         WHERE lookup = $1 AND expires_at > now()
         RETURNING expires_at AS "expiresAt"`,
        [lookup, idleSeconds],
      );
      return rows[0]?.expiresAt;
    },

    async delete(lookup: Buffer) {
      await pool.query('DELETE FROM storefront.sessions WHERE lookup = $1', [lookup]);
    },

    async deleteExpired() {
      const { rowCount } = await pool.query('DELETE FROM storefront.sessions WHERE expires_at <= now()');
      return rowCount ?? 0;
    },

    async takeRefreshLease(lookup: Buffer, leaseMs: number) {
      const { rows } = await pool.query<{ data: Buffer }>(
        `UPDATE storefront.sessions
         SET refresh_lease_until = now() + make_interval(secs => $2)
         WHERE lookup = $1 AND expires_at > now() AND (refresh_lease_until IS NULL OR refresh_lease_until <= now())
         RETURNING data`,
        [lookup, leaseMs / 1000],
      );
      return rows[0]?.data;
    },

    async releaseRefreshLease(lookup: Buffer, data?: Buffer) {
      await pool.query(
        `UPDATE storefront.sessions SET refresh_lease_until = NULL, data = coalesce($2, data) WHERE lookup = $1`,
        [lookup, data ?? null],
      );
    },
  };
}
