// Wiring of the real process (node dist/main.js, built first): config errors stop it naming the variable, SIGTERM
// drains an in-flight request before exiting 0, and users and signing keys survive kill -9.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from '@platform/test-databases';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const PASSWORD = 'correct horse battery';
const DRAIN_DELAY_MS = 1_000;

interface Running {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

const running: Running[] = [];

/** Starts the service on 127.0.0.1 and a free port; resolves once it logs where it listens. */
async function startService(env: Record<string, string>): Promise<Running> {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`auth exited with ${code} before listening:\n${output}`)));
  });
  const service = { child, url, output: () => output, exited };
  running.push(service);
  return service;
}

/** Runs the service expecting it to stop by itself; returns its exit code and output. */
async function runToExit(env: Record<string, string | undefined>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const [code] = await once(child, 'exit');
  return { code, stderr };
}

const post = (url: string, body: object) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

afterEach(async () => {
  for (const service of running.splice(0)) {
    if (service.child.exitCode === null && service.child.signalCode === null) {
      service.child.kill('SIGKILL');
      await service.exited;
    }
  }
});

describe('configuration errors', () => {
  it.each([
    [{ DATABASE_URL: 'postgres://x@127.0.0.1/x', PORT: '99999' }, /PORT must be <= 65535/],
    [{}, /DATABASE_URL is required/],
    [{ DATABASE_URL: 'postgres://x@127.0.0.1/x', ACCESS_TOKEN_TTL_SECONDS: '3600' }, /ACCESS_TOKEN_TTL_SECONDS/],
  ])('exits 1 naming the variable (%j)', async (env, message) => {
    const { code, stderr } = await runToExit(env);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^auth: invalid configuration: /);
    expect(stderr).toMatch(message);
  });
});

describe('secrets in configuration errors', () => {
  it('names a malformed DATABASE_URL without printing it, password included', async () => {
    const { code, stderr } = await runToExit({ DATABASE_URL: 'postgres:/auth:pa55-w0rd@db:5432/auth' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/DATABASE_URL must match pattern/);
    expect(stderr).not.toContain('pa55-w0rd');
    expect(stderr).not.toContain('/auth:');
  });

  it('names TRUSTED_PROXIES when an entry is not an address', async () => {
    const { code, stderr } = await runToExit({
      DATABASE_URL: 'postgres://x@127.0.0.1:1/x',
      TRUSTED_PROXIES: '10.0.0.0/8, gateway',
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /^auth: invalid configuration: TRUSTED_PROXIES has an entry that is not an address.*gateway/,
    );
  });
});

describe.each(testDatabaseKinds())('the auth process on %s', (kind) => {
  let database: TestDatabase;
  let dataDir: string;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    dataDir = await mkdtemp(join(tmpdir(), 'auth-process-'));
  });

  afterAll(async () => {
    await database?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const env = () => ({ DATABASE_URL: database.url, DATA_DIR: dataDir });

  it('keeps users and signing keys across kill -9 and a restart', async () => {
    const first = await startService(env());
    const email = `restart-${Date.now()}@example.com`;
    expect((await post(`${first.url}/api/auth/register`, { email, password: PASSWORD })).status).toBe(201);
    const login = await post(`${first.url}/api/auth/login`, { email, password: PASSWORD });
    const { accessToken } = (await login.json()) as { accessToken: string };

    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();

    const second = await startService(env());
    expect((await post(`${second.url}/api/auth/login`, { email, password: PASSWORD })).status).toBe(200);
    const me = await fetch(`${second.url}/api/auth/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ email });
  }, 90_000);

  it('on SIGTERM turns not ready, finishes the request in flight, then exits 0', async () => {
    const service = await startService({ ...env(), SHUTDOWN_DRAIN_DELAY_MS: String(DRAIN_DELAY_MS) });
    expect((await fetch(`${service.url}/readyz`)).status).toBe(200);

    // a real slow request: a registration waiting for a table lock held by another session
    const blocker = new pg.Client({ connectionString: database.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE auth.users IN EXCLUSIVE MODE');
      let settled = false;
      const inFlight = post(`${service.url}/api/auth/register`, {
        email: `inflight-${Date.now()}@example.com`,
        password: PASSWORD,
      }).finally(() => {
        settled = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(settled).toBe(false);

      service.child.kill('SIGTERM');
      await expect.poll(async () => (await fetch(`${service.url}/readyz`)).status, { timeout: 1_000 }).toBe(503);
      // past the drain delay the server is closing (no new connections) with the request still in flight
      await new Promise((resolve) => setTimeout(resolve, DRAIN_DELAY_MS + 300));
      expect(settled).toBe(false);

      await blocker.query('COMMIT');
      const response = await inFlight;
      expect(response.status).toBe(201);
    } finally {
      await blocker.end();
    }
    expect(await service.exited, service.output()).toBe(0);
    expect(service.output()).toContain('shutdown complete');
  }, 60_000);
});
