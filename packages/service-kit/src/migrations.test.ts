import { openTestDatabase, type TestDatabase, testDatabaseKinds } from '@platform/test-databases';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from './database.js';
import { type Migration, migrate } from './migrations.js';

const migrations: Migration[] = [
  { version: 1, name: 'widgets', sql: 'CREATE TABLE kit_test.widgets (id serial PRIMARY KEY, name text NOT NULL)' },
  {
    version: 2,
    name: 'widget colour',
    sql: "ALTER TABLE kit_test.widgets ADD COLUMN colour text NOT NULL DEFAULT 'red'",
  },
];

describe.each(testDatabaseKinds())('migrate on %s', (kind) => {
  let database: TestDatabase;
  let pools: Pool[] = [];
  const pool = () => {
    const created = createPool({ connectionString: database.url, applicationName: 'kit-test', max: 2 });
    pools.push(created);
    return created;
  };

  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
    pools = [];
    await database.close();
  });

  it('applies each version once, even when two replicas start at the same moment', async () => {
    const results = await Promise.all([
      migrate(pool(), { schema: 'kit_test', migrations }),
      migrate(pool(), { schema: 'kit_test', migrations }),
    ]);
    expect(results.flat().sort()).toEqual([1, 2]);
    const { rows } = await pool().query('SELECT version FROM kit_test.schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual([1, 2]);
    expect(await migrate(pool(), { schema: 'kit_test', migrations })).toEqual([]);
  });

  it('applies a new version on a later start and keeps the data', async () => {
    const db = pool();
    await db.query("INSERT INTO kit_test.widgets (name) VALUES ('gear')");
    const next = [...migrations, { version: 3, name: 'size', sql: 'ALTER TABLE kit_test.widgets ADD COLUMN size int' }];
    expect(await migrate(db, { schema: 'kit_test', migrations: next })).toEqual([3]);
    const { rows } = await db.query('SELECT name, colour, size FROM kit_test.widgets');
    expect(rows).toEqual([{ name: 'gear', colour: 'red', size: null }]);
  });

  it('rolls a failing migration back whole', async () => {
    const db = pool();
    const broken = [
      ...migrations,
      { version: 4, name: 'half', sql: 'CREATE TABLE kit_test.half (id int); SELECT * FROM kit_test.no_such_table' },
    ];
    await expect(migrate(db, { schema: 'kit_test', migrations: broken })).rejects.toThrow(/no_such_table/);
    const { rows } = await db.query("SELECT to_regclass('kit_test.half') AS half");
    expect(rows[0].half).toBeNull();
  });

  it('refuses unordered versions and unsafe schema names', async () => {
    await expect(migrate(pool(), { schema: 'kit_test', migrations: [...migrations].reverse() })).rejects.toThrow(
      /strictly increasing/,
    );
    await expect(migrate(pool(), { schema: 'x; DROP TABLE y', migrations })).rejects.toThrow(/invalid schema name/);
  });
});
