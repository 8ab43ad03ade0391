// PostgreSQL access through pg: one pool per service from DATABASE_URL, and the readiness check that touches it.
import pg from 'pg';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

export interface PoolOptions {
  connectionString: string;
  /** Shows up in pg_stat_activity, so an operator sees which service holds a connection. */
  applicationName: string;
  max?: number;
  statementTimeoutMs?: number;
}

export function createPool({
  connectionString,
  applicationName,
  max = 10,
  statementTimeoutMs = 5_000,
}: PoolOptions): Pool {
  const pool = new pg.Pool({
    connectionString,
    application_name: applicationName,
    max,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: statementTimeoutMs,
  });
  // an idle client losing its server must not crash the process; the next query reconnects
  pool.on('error', () => {});
  return pool;
}

export async function pingDatabase(pool: Pool): Promise<void> {
  await pool.query('SELECT 1');
}

/** Runs fn in a transaction on one client: COMMIT when it resolves, ROLLBACK when it throws. */
export async function inTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A checked-out client is no longer covered by the pool's listener: a server that goes away while fn awaits
  // something else (a password hash) makes the client emit 'error' with no query to reject, which unheard would
  // end the process. Heard here, the next query fails instead and the client is discarded, not pooled again.
  let broken: Error | undefined;
  const onError = (error: Error) => {
    broken ??= error;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      // a client whose transaction could not be ended is not fit to be lent again
      broken ??= rollbackError;
    });
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}
