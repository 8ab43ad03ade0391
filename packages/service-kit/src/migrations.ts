// Versioned schema migrations applied at start, inside the service's own schema. An advisory lock held for the
// migration transaction makes two replicas starting at once apply each version exactly once.
import type { Logger } from 'pino';
import { createPool, inTransaction, type Pool, type PoolOptions } from './database.js';

export interface Migration {
  /** Strictly increasing; a version once released is never edited, only followed by a new one. */
  version: number;
  name: string;
  sql: string;
}

export interface MigrateOptions {
  /** The service's schema; every table of the service lives in it. */
  schema: string;
  migrations: readonly Migration[];
  logger?: Logger;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;

export async function migrate(pool: Pool, { schema, migrations, logger }: MigrateOptions): Promise<number[]> {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name ${JSON.stringify(schema)}`);
  const versions = migrations.map((m) => m.version);
  if (versions.some((v, i) => i > 0 && v <= (versions[i - 1] ?? 0))) {
    throw new Error(`migrations of ${schema} must have strictly increasing versions`);
  }
  return inTransaction(pool, async (client) => {
    // a lock per schema: replicas of one service wait for each other, other services do not
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`migrations:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (
         version integer PRIMARY KEY,
         name text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${schema}.schema_migrations`);
    const applied = new Set(rows.map((row) => row.version));
    const done: number[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query(`INSERT INTO ${schema}.schema_migrations (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
      done.push(migration.version);
      logger?.info({ schema, version: migration.version, name: migration.name }, 'migration applied');
    }
    return done;
  });
}

/**
 * A service's pool, its schema migrated: what every service with storage opens first. When migrating fails (the
 * database away, a bad migration) the pool is ended before the error goes on, so a failed start leaves nothing open.
 */
export async function createMigratedPool(options: PoolOptions & MigrateOptions): Promise<Pool> {
  const { schema, migrations, logger, ...poolOptions } = options;
  const pool = createPool(poolOptions);
  try {
    await migrate(pool, { schema, migrations, logger });
    return pool;
  } catch (error) {
    await pool.end();
    throw error;
  }
}
