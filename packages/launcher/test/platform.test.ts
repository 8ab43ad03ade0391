// startPlatform with fixture services: environment handed to each, readiness, kill -9 recovery, restart, and the
// stop sequence (services first, then the embedded PostgreSQL).
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { type Platform, type StartPlatformOptions, startPlatform } from '../src/platform.js';
import { NotReadyError } from '../src/readiness.js';
import type { ServiceDefinition } from '../src/services.js';
import { freePort, isListening } from './free-port.js';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const dirs: string[] = [];
const platforms: Platform[] = [];
afterEach(async () => {
  await Promise.all(platforms.splice(0).map((p) => p.stop({ force: true })));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'launcher-'));
  // as root the embedded server runs as user postgres, which must be able to enter it (mkdtemp makes it 0700)
  chmodSync(dir, 0o755);
  dirs.push(dir);
  return dir;
}

async function fixtureService(name: string, extra: Partial<ServiceDefinition> = {}): Promise<ServiceDefinition> {
  const port = await freePort();
  return {
    name,
    entry: 'test/fixtures/http-service.mjs',
    readyUrl: `http://127.0.0.1:${port}/readyz`,
    ...extra,
    env: { PORT: String(port), ...extra.env },
  };
}

const urlOf = (definition: ServiceDefinition, path: string) => definition.readyUrl.replace('/readyz', path);
const portOf = (url: string) => Number(new URL(url).port);
async function getJson<T>(url: string): Promise<T> {
  return (await (await fetch(url)).json()) as T;
}

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

async function start(options: Omit<StartPlatformOptions, 'repoRoot'>) {
  const platform = await startPlatform({ repoRoot: packageRoot, readyTimeoutMs: 15_000, ...options });
  platforms.push(platform);
  return platform;
}

describe('startPlatform', () => {
  it('runs the embedded PostgreSQL and the services, recovers a killed one, and stops everything in order', async () => {
    const dataDir = tempDir();
    const alpha = await fixtureService('alpha', { usesDatabase: true, usesDataDir: true });
    const beta = await fixtureService('beta', { env: { FIXTURE_STOP_DELAY_MS: '200' } });
    const lines: string[] = [];
    const platform = await start({
      env: { PATH: process.env.PATH, FROM_SHELL: 'passed on', PORT: '1' },
      dataDir,
      table: [alpha, beta],
      logSink: (line) => lines.push(line),
      backoff: { initialMs: 50 },
    });

    expect(lines).toContain('launcher | Platform ready: alpha, beta');
    expect(lines).toContain(`alpha    | listening on ${portOf(alpha.readyUrl)}`);
    expect(lines).toContain('beta     | a line on stderr');
    expect(lines.some((l) => /^postgres \| embedded PostgreSQL 15\.\S+ ready on port \d+/.test(l))).toBe(true);

    expect(platform.databaseUrl).toMatch(/^postgres:\/\/postgres:[\w-]+@127\.0\.0\.1:\d+\/postgres$/);
    expect(await isListening(portOf(platform.databaseUrl))).toBe(true);
    expect(existsSync(join(dataDir, 'postgres', 'embedded-postgres.lock'))).toBe(true);
    // a role and a database of its own for the service that uses one, none for the other
    expect(platform.databaseUrls).toEqual({
      alpha: expect.stringMatching(/^postgres:\/\/alpha:[\w-]+@127\.0\.0\.1:\d+\/alpha$/),
    });
    const alphaEnv = await getJson<Record<string, string>>(urlOf(alpha, '/env'));
    expect(alphaEnv).toMatchObject({
      DATABASE_URL: platform.databaseUrls.alpha,
      DATA_DIR: dataDir,
      OTEL_SERVICE_NAME: 'alpha',
      FROM_SHELL: 'passed on',
      PORT: String(portOf(alpha.readyUrl)), // the table's port wins over an inherited PORT
    });
    const betaEnv = await getJson<Record<string, string>>(urlOf(beta, '/env'));
    expect(betaEnv).toMatchObject({ OTEL_SERVICE_NAME: 'beta', FROM_SHELL: 'passed on' });
    expect(betaEnv).not.toHaveProperty('DATABASE_URL');
    expect(betaEnv).not.toHaveProperty('DATA_DIR');

    // kill -9 of a service: the supervisor brings it back
    const { pid: alphaPid } = await getJson<{ pid: number }>(urlOf(alpha, '/pid'));
    await platform.kill('alpha', 'SIGKILL');
    await platform.waitReady('alpha');
    expect((await getJson<{ pid: number }>(urlOf(alpha, '/pid'))).pid).not.toBe(alphaPid);
    expect(lines).toContain('launcher | alpha exited unexpectedly (signal SIGKILL); restarting in 50 ms');

    // a deliberate restart is graceful and waits for readiness
    const { pid: betaPid } = await getJson<{ pid: number }>(urlOf(beta, '/pid'));
    await platform.restart('beta');
    expect((await getJson<{ pid: number }>(urlOf(beta, '/pid'))).pid).not.toBe(betaPid);
    expect(lines).toContain('beta     | got SIGTERM');

    const sigterms = lines.filter((l) => l.endsWith('| got SIGTERM')).length;
    await platform.stop();
    expect(lines.filter((l) => l.endsWith('| got SIGTERM')).length).toBe(sigterms + 2);
    expect(lines.at(-1)).toBe('launcher | stopped');
    for (const url of [alpha.readyUrl, beta.readyUrl, platform.databaseUrl]) {
      expect(await isListening(portOf(url))).toBe(false);
    }
    // the embedded server shut down cleanly and released its directory
    expect(existsSync(join(dataDir, 'postgres', 'embedded-postgres.lock'))).toBe(false);
    const shutDown = lines.findIndex((l) => /^postgres \| .*database system is shut down/.test(l));
    expect(shutDown).toBeGreaterThan(lines.lastIndexOf('beta     | bye'));
  });

  it('supervises the embedded PostgreSQL like a service: restarted when killed, kept down only when asked', async () => {
    const alpha = await fixtureService('alpha', { usesDatabase: true });
    const lines: string[] = [];
    const platform = await start({
      env: { PATH: process.env.PATH },
      dataDir: tempDir(),
      table: [alpha],
      logSink: (line) => lines.push(line),
      backoff: { initialMs: 50 },
    });
    const url = platform.databaseUrls.alpha!;
    await query(url, 'CREATE TABLE public.kept (n int); INSERT INTO public.kept VALUES (1)');

    const firstPid = platform.pid('postgres');
    await platform.kill('postgres', 'SIGKILL');
    await platform.waitReady('postgres');
    expect(platform.pid('postgres')).not.toBe(firstPid);
    expect(lines).toContain('launcher | postgres exited unexpectedly (signal SIGKILL); restarting in 50 ms');
    expect(await query(url, 'SELECT n FROM public.kept')).toEqual([{ n: 1 }]);

    await platform.stopService('postgres');
    expect(await isListening(portOf(url))).toBe(false);
    expect(platform.pid('postgres')).toBeUndefined();
    await platform.startService('postgres');
    expect(await query(url, 'SELECT n FROM public.kept')).toEqual([{ n: 1 }]);
    await platform.stop();
  });

  it('starts no embedded server when DATABASE_URL is set and hands that URL to every database user', async () => {
    const given = 'postgres://app:secret@db.example:5432/app';
    const alpha = await fixtureService('alpha', { usesDatabase: true });
    const lines: string[] = [];
    const platform = await start({
      env: { PATH: process.env.PATH, DATABASE_URL: given, OTEL_SERVICE_NAME: 'chosen' },
      dataDir: tempDir(),
      table: [alpha],
      logSink: (line) => lines.push(line),
    });
    expect(platform.databaseUrl).toBe(given);
    expect(platform.databaseUrls).toEqual({ alpha: given });
    expect(await getJson<Record<string, string>>(urlOf(alpha, '/env'))).toMatchObject({
      DATABASE_URL: given,
      OTEL_SERVICE_NAME: 'chosen',
    });
    expect(lines.some((l) => l.startsWith('postgres |'))).toBe(false);
    await platform.stop();
  });

  it('says a service that needed several attempts to come back is ready again once', async () => {
    const dir = tempDir();
    const blocker = join(dir, 'cannot-start');
    const alpha = await fixtureService('alpha', { env: { FIXTURE_FAIL_WHILE_EXISTS: blocker } });
    const lines: string[] = [];
    const platform = await start({
      env: { PATH: process.env.PATH },
      databaseUrl: 'postgres://unused@127.0.0.1:1/unused',
      dataDir: dir,
      table: [alpha],
      logSink: (line) => lines.push(line),
      backoff: { initialMs: 50 },
    });
    writeFileSync(blocker, '');
    await platform.kill('alpha', 'SIGKILL');
    await expect.poll(() => lines.filter((l) => l.endsWith('| cannot start yet')).length).toBeGreaterThanOrEqual(3);
    rmSync(blocker);
    await platform.waitReady('alpha');
    const readyAgain = () => lines.filter((l) => l === 'launcher | alpha ready again after restart').length;
    await expect.poll(readyAgain).toBe(1);
    // the watches of the failed attempts ended with them: none of them comes to say it later
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(readyAgain()).toBe(1);
  });

  it('gives up when a service never becomes ready, and leaves nothing running', async () => {
    const slow = await fixtureService('slow', { env: { FIXTURE_NEVER_READY: '1' } });
    await expect(
      start({
        env: { PATH: process.env.PATH },
        databaseUrl: 'postgres://unused@127.0.0.1:1/unused',
        dataDir: tempDir(),
        table: [slow],
        logSink: () => {},
        readyTimeoutMs: 1_000,
      }),
    ).rejects.toThrow(NotReadyError);
    expect(await isListening(portOf(slow.readyUrl))).toBe(false);
  });

  it('refuses to start services that are not built, naming them', async () => {
    await expect(
      start({
        env: {},
        dataDir: tempDir(),
        table: [{ name: 'ghost', entry: 'services/ghost/bundle/main.mjs', readyUrl: 'http://127.0.0.1:1/readyz' }],
      }),
    ).rejects.toThrow('not built: services/ghost/bundle/main.mjs');
  });

  it('runs the modules instead of the bundle when asked (npm run dev)', async () => {
    const ghost = {
      name: 'ghost',
      entry: 'test/fixtures/http-service.mjs',
      moduleEntry: 'services/ghost/dist/main.js',
      readyUrl: 'http://127.0.0.1:1/readyz',
    };
    await expect(start({ env: {}, dataDir: tempDir(), table: [ghost], modules: true })).rejects.toThrow(
      'not built: services/ghost/dist/main.js',
    );
  });

  it('rejects a service name that is not in the table', async () => {
    await expect(start({ env: {}, dataDir: tempDir(), table: [], services: ['nope'] })).rejects.toThrow(
      'unknown service nope',
    );
  });
});
