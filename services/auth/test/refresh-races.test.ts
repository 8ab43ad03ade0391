// Revocation against a rotation in flight: a rotation is paused just before its commit, having written its new token
// (a test session holds a lock the rotation's insert waits for), while logout or the reuse of a spent token revokes
// the login. The new token must not survive it. Needs row locks across sessions: a real PostgreSQL when
// TEST_DATABASE_URL names one, else the embedded server.
import { openTestDatabase, type TestDatabase } from '@platform/test-databases';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthServer, openFixture, startAuthServer, testConfig, uniqueEmail } from './auth-server.js';

const PASSWORD = 'correct horse battery';
const kind: TestDatabase['kind'] = process.env.TEST_DATABASE_URL ? 'postgres' : 'embedded';

describe(`revocation racing a rotation on ${kind}`, () => {
  let database: TestDatabase;
  let fixture: Awaited<ReturnType<typeof openFixture>>;
  let server: AuthServer;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    fixture = await openFixture(database.url);
    server = await startAuthServer(fixture.pool, testConfig(database.url, { DATA_DIR: fixture.dataDir }));
  });

  afterAll(async () => {
    await server?.close();
    await fixture?.close();
    await database?.close();
  });

  const refresh = (refreshToken: string) => request(server.url).post('/api/auth/refresh').send({ refreshToken });

  async function newLogin() {
    const email = uniqueEmail('race');
    const { body: user } = await request(server.url)
      .post('/api/auth/register')
      .send({ email, password: PASSWORD })
      .expect(201);
    const { body: pair } = await request(server.url)
      .post('/api/auth/login')
      .send({ email, password: PASSWORD })
      .expect(200);
    return { userId: user.id as string, refreshToken: pair.refreshToken as string };
  }

  /** Sessions of the test, on the database auth uses, waiting for a lock (so a statement is known to be paused). */
  async function waitingOn(statement: RegExp): Promise<number> {
    const { rows } = await fixture.pool.query<{ query: string }>(
      `SELECT query FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`,
    );
    return rows.filter((row) => statement.test(row.query)).length;
  }

  /**
   * Runs a rotation of `presented` that pauses right before its commit: the new token's row waits for the lock the
   * test holds on the user (its foreign key needs a share of it). While it waits, `revoke` runs; then the lock is
   * released and both finish. Returns the rotation's answer.
   */
  async function rotationPausedBeforeCommit(userId: string, presented: string, revoke: () => Promise<unknown>) {
    const blocker = new pg.Client({ connectionString: database.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM auth.users WHERE id = $1 FOR UPDATE', [userId]);
      const rotation = refresh(presented).then((response) => response);
      await expect.poll(() => waitingOn(/^\s*INSERT INTO auth\.refresh_tokens/), { timeout: 10_000 }).toBe(1);
      // the revocation starts while the rotation's new token exists, uncommitted
      const revocation = revoke();
      await new Promise((resolve) => setTimeout(resolve, 300));
      await blocker.query('COMMIT');
      const [rotated] = await Promise.all([rotation, revocation]);
      return rotated;
    } finally {
      await blocker.end();
    }
  }

  it('logout revokes the token a concurrent rotation was about to hand out', async () => {
    const { userId, refreshToken } = await newLogin();
    const rotated = await rotationPausedBeforeCommit(userId, refreshToken, () =>
      request(server.url).post('/api/auth/logout').send({ refreshToken }).expect(204),
    );
    // the rotation itself may have answered (it committed first), but what it handed out is dead with the login
    expect(rotated.status).toBe(200);
    expect((await refresh(rotated.body.refreshToken)).status).toBe(401);
  });

  it('reuse of a spent token revokes the token a concurrent rotation was about to hand out', async () => {
    const { userId, refreshToken: spent } = await newLogin();
    const { body: stolen } = await refresh(spent).expect(200);
    // the thief rotates the stolen token; the legitimate client presents its spent one meanwhile
    const rotated = await rotationPausedBeforeCommit(userId, stolen.refreshToken, () => refresh(spent));
    expect(rotated.status).toBe(200);
    expect((await refresh(rotated.body.refreshToken)).status).toBe(401);
  });
});
