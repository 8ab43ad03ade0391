// Revocation against a rotation in flight: a rotation is paused just before its COMMIT, having written its new token
// (a hook on the pool the app is given holds the COMMIT back), while logout or the reuse of a spent token revokes the
// login. The new token must not survive it. On PostgreSQL the revocation runs meanwhile in its own session, which is
// the race; the embedded server serialises sessions, so there it can only show that nothing breaks.
import type { Pool, PoolClient } from '@platform/service-kit';
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from '@platform/test-databases';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthServer, openFixture, startAuthServer, testConfig, uniqueEmail } from './auth-server.js';

const PASSWORD = 'correct horse battery';

/**
 * The pool the app uses, with a hook: once armed, the next transaction that inserts a refresh token stops before its
 * COMMIT until released. Statements are otherwise passed on as they are.
 */
function pausablePool(pool: Pool) {
  let armed: { reached: () => void; released: Promise<void> } | undefined;
  const wrap = (client: PoolClient): PoolClient => {
    let insertedToken = false;
    const query = async (...args: unknown[]) => {
      const text = typeof args[0] === 'string' ? args[0] : '';
      if (/^\s*INSERT INTO auth\.refresh_tokens/.test(text)) insertedToken = true;
      if (text === 'COMMIT' || text === 'ROLLBACK') {
        const pause = text === 'COMMIT' && insertedToken ? armed : undefined;
        insertedToken = false;
        if (pause) {
          armed = undefined;
          pause.reached();
          await pause.released;
        }
      }
      return (client.query as (...a: unknown[]) => Promise<unknown>)(...args);
    };
    return new Proxy(client, { get: (target, name) => (name === 'query' ? query : Reflect.get(target, name, target)) });
  };
  const wrapped = new Proxy(pool, {
    get(target, name) {
      if (name === 'connect') return async () => wrap(await target.connect());
      const value = Reflect.get(target, name, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return {
    pool: wrapped,
    /** The next rotation stops before its COMMIT; `reached` resolves then, `release` lets it go on. */
    arm() {
      let release!: () => void;
      let reached!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const hasReached = new Promise<void>((resolve) => {
        reached = resolve;
      });
      armed = { reached, released };
      return { reached: hasReached, release };
    },
  };
}

describe.each(testDatabaseKinds())('revocation racing a rotation on %s', (kind) => {
  let database: TestDatabase;
  let fixture: Awaited<ReturnType<typeof openFixture>>;
  let server: AuthServer;
  let hook: ReturnType<typeof pausablePool>;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    fixture = await openFixture(database.url);
    hook = pausablePool(fixture.pool);
    server = await startAuthServer(hook.pool, testConfig(database.url, { DATA_DIR: fixture.dataDir }));
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

  /** Runs a rotation of `presented` that stops right before its COMMIT; `revoke` runs meanwhile, then it commits. */
  async function rotationPausedBeforeCommit(presented: string, revoke: () => Promise<unknown>) {
    const pause = hook.arm();
    const rotation = refresh(presented).then((response) => response);
    await pause.reached;
    // the new token exists, uncommitted; the revocation starts now and, on PostgreSQL, reaches its locks meanwhile
    // (supertest sends a request once it is awaited: start it now)
    const revocation = Promise.resolve(revoke());
    await new Promise((resolve) => setTimeout(resolve, 300));
    pause.release();
    const [rotated] = await Promise.all([rotation, revocation]);
    return rotated;
  }

  it('logout revokes the token a concurrent rotation was about to hand out', async () => {
    const { refreshToken } = await newLogin();
    const rotated = await rotationPausedBeforeCommit(refreshToken, () =>
      request(server.url).post('/api/auth/logout').send({ refreshToken }).expect(204),
    );
    // the rotation itself may have answered (it committed first), but what it handed out is dead with the login
    expect(rotated.status).toBe(200);
    expect((await refresh(rotated.body.refreshToken)).status).toBe(401);
  });

  it('reuse of a spent token revokes the token a concurrent rotation was about to hand out', async () => {
    const { refreshToken: spent } = await newLogin();
    const { body: stolen } = await refresh(spent).expect(200);
    // the thief rotates the stolen token; the legitimate client presents its spent one meanwhile
    const rotated = await rotationPausedBeforeCommit(stolen.refreshToken, () => refresh(spent));
    expect(rotated.status).toBe(200);
    expect((await refresh(rotated.body.refreshToken)).status).toBe(401);
  });
});
