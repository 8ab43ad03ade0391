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
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
