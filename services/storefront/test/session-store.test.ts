// Sessions on a real PostgreSQL (the embedded server, and TEST_DATABASE_URL's when set): what is stored, expiry,
// the sliding idle timeout, and the refresh lease that lets one request at a time refresh a session's tokens.
import { createPool, migrate, type Pool } from '@platform/service-kit';
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from '@platform/test-databases';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations, STOREFRONT_SCHEMA } from '../src/migrations.js';
import { keysOf } from '../src/session-keys.js';
import { createSessionStore, type SessionStore } from '../src/session-store.js';
import { createSessionsRepository } from '../src/sessions.repository.js';

describe.each(testDatabaseKinds())('sessions on %s PostgreSQL', (kind) => {
  let database: TestDatabase;
  let pool: Pool;
  let store: SessionStore;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    pool = createPool({ connectionString: database.url, applicationName: 'storefront-test' });
    await migrate(pool, { schema: STOREFRONT_SCHEMA, migrations });
    // migrations apply once: a second replica starting finds nothing to do
    expect(await migrate(pool, { schema: STOREFRONT_SCHEMA, migrations })).toEqual([]);
    store = createSessionStore(createSessionsRepository(pool), { idleSeconds: 3_600, absoluteSeconds: 7_200 });
  }, 120_000);
  afterAll(async () => {
    await pool?.end();
    await database?.close();
  });

  const tokens = { accessToken: 'eyJ.a.b', refreshToken: 'refresh', accessExpiresAt: 1, refreshAt: 1 };

  it('stores a session only sealed, under a key derived from its id', async () => {
    const created = await store.create({ user: { id: 'u', email: 'a@example.com', name: 'A' }, tokens });
    expect(created.data.csrfToken).toMatch(/^[\w-]{43}$/);
    const { rows } = await pool.query('SELECT lookup, data FROM storefront.sessions WHERE lookup = $1', [
      keysOf(created.id).lookup,
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0].data.toString('latin1')).not.toMatch(/eyJ|refresh|a@example/);
    expect((await store.load(created.id))?.data).toEqual(created.data);
  });

  it('loads nothing for an unknown, malformed, destroyed or expired id', async () => {
    expect(await store.load(undefined)).toBeUndefined();
    expect(await store.load('not-an-id')).toBeUndefined();
    expect(await store.load('A'.repeat(43))).toBeUndefined();
    const destroyed = await store.create();
    await store.destroy(destroyed.id);
    expect(await store.load(destroyed.id)).toBeUndefined();
    const expired = await store.create();
    await pool.query(`UPDATE storefront.sessions SET expires_at = now() - interval '1 second' WHERE lookup = $1`, [
      keysOf(expired.id).lookup,
    ]);
    expect(await store.load(expired.id)).toBeUndefined();
  });

  it('slides the idle expiry forward with use, never past the absolute one', async () => {
    const session = await store.create();
    const lookup = keysOf(session.id).lookup;
    await pool.query(
      `UPDATE storefront.sessions SET expires_at = now() + interval '10 minutes',
         absolute_expires_at = now() + interval '30 minutes' WHERE lookup = $1`,
      [lookup],
    );
    const loaded = await store.load(session.id);
    const expiresInMinutes = (loaded!.expiresAt.getTime() - Date.now()) / 60_000;
    expect(expiresInMinutes).toBeGreaterThan(29);
    expect(expiresInMinutes).toBeLessThanOrEqual(30);
  });

  it('gives the refresh lease to one taker at a time, and to the next once released or run out', async () => {
    const session = await store.create({ tokens });
    const takes = await Promise.all([1, 2, 3].map(() => store.takeRefreshLease(session.id, 10_000)));
    expect(takes.filter((data) => data !== undefined)).toHaveLength(1);
    expect(await store.takeRefreshLease(session.id, 10_000)).toBeUndefined();

    const refreshed = { ...session.data, tokens: { ...tokens, accessToken: 'eyJ.new.one' } };
    await store.releaseRefreshLease(session.id, refreshed);
    expect((await store.load(session.id))?.data).toEqual(refreshed);
    expect(await store.takeRefreshLease(session.id, 50)).toEqual(refreshed);
    // a holder that died: its lease runs out by itself
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await store.takeRefreshLease(session.id, 10_000)).toEqual(refreshed);
  });
});
