// Login throttling end to end on a real database: 429 with Retry-After per email and per client address, the
// lock holding across app instances (replicas, restarts) and under concurrent guesses, lockouts growing, a success
// resetting the email's count, and X-Forwarded-For believed from trusted proxies only.
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from '@platform/test-databases';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthServer, openFixture, startAuthServer, testConfig, uniqueEmail } from './auth-server.js';

const PASSWORD = 'correct horse battery';
const LOCKOUT_SECONDS = 2;

describe.each(testDatabaseKinds())('login throttling on %s', (kind) => {
  let database: TestDatabase;
  const kindOctet = kind === 'embedded' ? 1 : 2;
  let fixture: Awaited<ReturnType<typeof openFixture>>;
  let server: AuthServer;
  let replica: AuthServer;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    fixture = await openFixture(database.url);
    const config = testConfig(database.url, {
      DATA_DIR: fixture.dataDir,
      LOGIN_MAX_FAILURES: '3',
      LOGIN_MAX_FAILURES_PER_IP: '6',
      LOGIN_LOCKOUT_SECONDS: String(LOCKOUT_SECONDS),
    });
    server = await startAuthServer(fixture.pool, config);
    // a second instance on the same database and keys, as a second replica would be
    replica = await startAuthServer(fixture.pool, config);
  });

  afterAll(async () => {
    await replica?.close();
    await server?.close();
    await fixture?.close();
    await database?.close();
  });

  // each test is its own client address (the gateway's X-Forwarded-For), so per-IP counts do not mix between tests
  let address = 10;
  const nextAddress = () => {
    address++;
    return `10.${kindOctet}.${Math.floor(address / 250)}.${address % 250}`;
  };

  async function register(email: string) {
    const response = await request(server.url).post('/api/auth/register').send({ email, password: PASSWORD });
    expect(response.status).toBe(201);
  }

  const login = (target: AuthServer, ip: string, email: string, password: string) =>
    request(target.url).post('/api/auth/login').set('x-forwarded-for', ip).send({ email, password });

  it('answers 429 with Retry-After after LOGIN_MAX_FAILURES failures for an email, on every replica, even with the right password', async () => {
    const email = uniqueEmail();
    await register(email);
    for (let i = 0; i < 3; i++) {
      expect((await login(server, nextAddress(), email, 'wrong password')).status).toBe(401);
    }
    for (const target of [server, replica]) {
      const locked = await login(target, nextAddress(), email, PASSWORD);
      expect(locked.status).toBe(429);
      expect(locked.headers['content-type']).toContain('application/problem+json');
      const retryAfter = Number(locked.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(LOCKOUT_SECONDS);
    }
    // another email is not affected
    const other = uniqueEmail();
    await register(other);
    expect((await login(server, nextAddress(), other, PASSWORD)).status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, LOCKOUT_SECONDS * 1000 + 100));
    expect((await login(replica, nextAddress(), email, PASSWORD)).status).toBe(200);
  });

  it('counts unknown emails too, so a lockout does not reveal whether an account exists', async () => {
    const email = uniqueEmail('nobody');
    for (let i = 0; i < 3; i++) expect((await login(server, nextAddress(), email, PASSWORD)).status).toBe(401);
    expect((await login(server, nextAddress(), email, PASSWORD)).status).toBe(429);
  });

  it('resets the email count on a successful login', async () => {
    const email = uniqueEmail();
    await register(email);
    const ip = nextAddress();
    for (let i = 0; i < 2; i++) expect((await login(server, ip, email, 'wrong password')).status).toBe(401);
    expect((await login(server, ip, email, PASSWORD)).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await login(server, ip, email, 'wrong password')).status).toBe(401);
    expect((await login(server, ip, email, PASSWORD)).status).toBe(200);
  });

  it('slows a client address down after LOGIN_MAX_FAILURES_PER_IP failures across emails, without locking accounts', async () => {
    const ip = nextAddress();
    const victim = uniqueEmail();
    await register(victim);
    for (let i = 0; i < 6; i++) {
      expect((await login(server, ip, uniqueEmail('spray'), 'wrong password')).status).toBe(401);
    }
    const slowed = await login(server, ip, victim, PASSWORD);
    expect(slowed.status).toBe(429);
    // the budget refills one failure per window / LOGIN_MAX_FAILURES_PER_IP (900 / 6 s): a wait, not a lockout
    expect(Number(slowed.headers['retry-after'])).toBe(150);
    // the account itself is not locked: from another address it logs in
    expect((await login(server, nextAddress(), victim, PASSWORD)).status).toBe(200);
  });

  it('checks at most LOGIN_MAX_FAILURES passwords of 60 concurrent guesses on two replicas', async () => {
    const email = uniqueEmail('concurrent');
    await register(email);
    const before = await passwordChecks();
    // 60 guesses at once from 60 addresses, half to each replica, as a botnet would send them
    const guesses = await Promise.all(
      Array.from({ length: 60 }, (_, i) => login(i % 2 ? replica : server, nextAddress(), email, `guess ${i}`)),
    );
    const checked = (await passwordChecks()) - before;
    expect(checked).toBeLessThanOrEqual(3);
    expect(checked).toBeGreaterThan(0);
    expect(guesses.filter((guess) => guess.status === 401)).toHaveLength(checked);
    expect(guesses.filter((guess) => guess.status === 429)).toHaveLength(60 - checked);
    // and the account is locked for the right password too
    expect((await login(server, nextAddress(), email, PASSWORD)).status).toBe(429);
  });

  it('locks longer with each lockout in a row', async () => {
    const email = uniqueEmail('again');
    await register(email);
    const lockOut = async () => {
      for (let i = 0; i < 3; i++) expect((await login(server, nextAddress(), email, 'wrong')).status).toBe(401);
      const locked = await login(server, nextAddress(), email, PASSWORD);
      expect(locked.status).toBe(429);
      return Number(locked.headers['retry-after']);
    };
    expect(await lockOut()).toBeLessThanOrEqual(LOCKOUT_SECONDS);
    await new Promise((resolve) => setTimeout(resolve, LOCKOUT_SECONDS * 1000 + 100));
    const second = await lockOut();
    expect(second).toBeGreaterThan(LOCKOUT_SECONDS);
    expect(second).toBeLessThanOrEqual(2 * LOCKOUT_SECONDS);
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const direct = await startAuthServer(
      fixture.pool,
      testConfig(database.url, {
        DATA_DIR: fixture.dataDir,
        LOGIN_MAX_FAILURES_PER_IP: '4',
        TRUSTED_PROXIES: undefined,
      }),
    );
    try {
      // the caller reaches auth directly and claims a new address each time: the throttle still sees its own
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await login(direct, nextAddress(), uniqueEmail('spoof'), 'x')).status);
      expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    } finally {
      await direct.close();
      // loopback's budget is spent now: the other tests send as trusted proxies, so they are not affected
    }
  });

  async function passwordChecks(): Promise<number> {
    const text = (await request(server.url).get('/metrics')).text;
    // both replicas share one process here but have a registry each: add them up
    const replicaText = (await request(replica.url).get('/metrics')).text;
    const read = (body: string) => Number(/^auth_password_checks_total(?:\{[^}]*\})? (\d+)/m.exec(body)?.[1] ?? 0);
    return read(text) + read(replicaText);
  }
});
