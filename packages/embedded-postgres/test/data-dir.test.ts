// The server's directory across runs: data kept over a stop and a start, a second owner refused, and every way a
// run can end badly (its owner killed with SIGKILL, a server left running, a stale postmaster.pid) followed by a
// start that needs no manual step.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, prepareEmbeddedPostgres, startEmbeddedPostgres } from '../src/index.js';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const dirs: string[] = [];
const children: ChildProcess[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'embedded-pg-data-'));
  // as root the server runs as user postgres, which must be able to enter it (mkdtemp makes it 0700)
  chmodSync(dir, 0o755);
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // a zombie (exited, not reaped yet) is dead too
  return !/\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

async function waitDead(pid: number, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

const postmasterPid = (dataDir: string) =>
  Number(readFileSync(join(dataDir, 'pg15', 'postmaster.pid'), 'utf8').split('\n')[0]);

function recorder() {
  const warnings: string[] = [];
  return { warnings, logger: { info() {}, warn: (m: string) => warnings.push(m) } };
}

describe('an embedded server with a data directory', () => {
  it('keeps data across a stop and a start, and refuses a second owner of the directory', async () => {
    const dataDir = tempDir();
    const first = await startEmbeddedPostgres({ dataDir });
    await query(first.url, 'CREATE SCHEMA shop; CREATE TABLE shop.products (sku text PRIMARY KEY)');
    await query(first.url, "INSERT INTO shop.products VALUES ('kept')");
    await expect(startEmbeddedPostgres({ dataDir })).rejects.toBeInstanceOf(DataDirLockedError);
    await first.stop();
    await first.stop(); // a second stop is harmless
    expect(existsSync(join(dataDir, 'embedded-postgres.lock'))).toBe(false);

    const second = await startEmbeddedPostgres({ dataDir });
    try {
      // the same superuser password, read back from the directory
      expect(second.url.replace(/:\d+\//, '/')).toBe(first.url.replace(/:\d+\//, '/'));
      expect(await query(second.url, 'SELECT sku FROM shop.products')).toEqual([{ sku: 'kept' }]);
    } finally {
      await second.stop();
    }
  });

  it('takes the server down with an owner killed by SIGKILL, and recovers its data at the next start', async () => {
    const dataDir = tempDir();
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--data-dir', dataDir, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let url: string | undefined;
    for await (const line of createInterface({ input: child.stdout! })) {
      if (line.startsWith('DATABASE_URL=')) {
        url = line.slice('DATABASE_URL='.length);
        break;
      }
    }
    expect(url).toMatch(/^postgres:\/\/postgres:[\w-]+@127\.0\.0\.1:\d+\/postgres$/);
    await query(url!, "CREATE TABLE public.survivors (name text); INSERT INTO public.survivors VALUES ('row')");
    const serverPid = postmasterPid(dataDir);
    child.kill('SIGKILL');
    await exited;
    expect(existsSync(join(dataDir, 'embedded-postgres.lock'))).toBe(true);
    // on Linux the server gets a parent-death signal; elsewhere the next start stops it (next test)
    if (process.platform === 'linux') expect(await waitDead(serverPid)).toBe(true);

    const { warnings, logger } = recorder();
    const server = await startEmbeddedPostgres({ dataDir, logger });
    try {
      expect(warnings.join('\n')).toMatch(/did not stop cleanly/);
      expect(await query(server.url, 'SELECT name FROM public.survivors')).toEqual([{ name: 'row' }]);
    } finally {
      await server.stop();
    }
  });

  it('stops a server an earlier run left running on the directory, then starts its own', async () => {
    const dataDir = tempDir();
    const earlier = await prepareEmbeddedPostgres({ dataDir });
    // the server as a run without a parent-death signal leaves it: detached, its owner gone
    const postgresAt = earlier.command.args.indexOf('--') + 1;
    const serverArgs =
      postgresAt > 0 ? earlier.command.args.slice(postgresAt) : [earlier.command.file, ...earlier.command.args];
    const leftover = spawn(serverArgs[0]!, serverArgs.slice(1), {
      env: earlier.command.env,
      stdio: 'ignore',
      detached: true,
      ...(earlier.command.uid !== undefined ? { uid: earlier.command.uid, gid: earlier.command.gid } : {}),
    });
    children.push(leftover);
    await earlier.waitUntilAccepting({ timeoutMs: 30_000 });
    await query(earlier.url, 'CREATE TABLE public.kept (n int); INSERT INTO public.kept VALUES (1)');
    // its owner died without releasing the lock
    writeFileSync(join(dataDir, 'embedded-postgres.lock'), '999999999\n');

    const { warnings, logger } = recorder();
    const server = await startEmbeddedPostgres({ dataDir, port: earlier.port, logger });
    try {
      expect(warnings.join('\n')).toMatch(/stopped the server left running by an earlier run \(pid \d+\)/);
      expect(await waitDead(leftover.pid!)).toBe(true);
      expect(server.pid).not.toBe(leftover.pid);
      expect(await query(server.url, 'SELECT n FROM public.kept')).toEqual([{ n: 1 }]);
    } finally {
      await server.stop();
    }
  });

  it('starts over a postmaster.pid whose process id now belongs to another program', async () => {
    const dataDir = tempDir();
    const first = await startEmbeddedPostgres({ dataDir });
    await first.stop();
    // this test's own process is alive and is not a postgres of this cluster
    writeFileSync(join(dataDir, 'pg15', 'postmaster.pid'), `${process.pid}\n${join(dataDir, 'pg15')}\n`);
    const { warnings, logger } = recorder();
    const server = await startEmbeddedPostgres({ dataDir, logger });
    try {
      expect(warnings.join('\n')).toMatch(/removed a stale postmaster.pid/);
      expect(await query(server.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await server.stop();
    }
  });

  it('leaves the data of the former PGlite server alone and says so', async () => {
    const dataDir = tempDir();
    mkdirSync(join(dataDir, 'pgdata'));
    writeFileSync(join(dataDir, 'pgdata', 'PG_VERSION'), '17\n');
    const { warnings, logger } = recorder();
    const server = await startEmbeddedPostgres({ dataDir, logger });
    await server.stop();
    expect(warnings.join('\n')).toMatch(/former PGlite server; it is not used/);
    expect(readFileSync(join(dataDir, 'pgdata', 'PG_VERSION'), 'utf8')).toBe('17\n');
  });
});
