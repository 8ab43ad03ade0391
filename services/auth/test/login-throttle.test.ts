// Login throttling end to end on a real database: 429 with Retry-After per email and per client address, the
// lock holding across app instances (replicas, restarts), and a success resetting the email's count.
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from '@platform/test-databases';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthServer, openFixture, startAuthServer, testConfig, uniqueEmail } from './auth-server.js';

const PASSWORD = 'correct horse battery';
const LOCKOUT_SECONDS = 2;

describe.each(testDatabaseKinds())('login throttling on %s', (kind) => {
  let database: TestDatabase;
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
  const nextAddress = () => `198.51.100.${address++}`;

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

  it('locks a client address after LOGIN_MAX_FAILURES_PER_IP failures across different emails', async () => {
    const ip = nextAddress();
    const victim = uniqueEmail();
    await register(victim);
    for (let i = 0; i < 6; i++) {
      expect((await login(server, ip, uniqueEmail('spray'), 'wrong password')).status).toBe(401);
    }
    const locked = await login(server, ip, victim, PASSWORD);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // the same account from another address is fine: the lock is the address's, not the account's
    expect((await login(server, nextAddress(), victim, PASSWORD)).status).toBe(200);
  });
});
