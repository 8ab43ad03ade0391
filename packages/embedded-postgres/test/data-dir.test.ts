// Durability of the embedded server's data directory: clean restarts, a crashed previous run, and a second opener.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, startEmbeddedPostgres } from '../src/index.js';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'embedded-pg-data-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
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

describe('an embedded server with a data directory', () => {
  it('keeps data across a stop and a start, and refuses a second server on the same directory', async () => {
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
      expect(await query(second.url, 'SELECT sku FROM shop.products')).toEqual([{ sku: 'kept' }]);
    } finally {
      await second.stop();
    }
  });

  it('recovers the data of a run that was killed with SIGKILL', async () => {
    const dataDir = tempDir();
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--data-dir', dataDir, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      let url: string | undefined;
      for await (const line of createInterface({ input: child.stdout })) {
        if (line.startsWith('DATABASE_URL=')) {
          url = line.slice('DATABASE_URL='.length);
          break;
        }
      }
      expect(url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
      await query(url!, "CREATE TABLE public.survivors (name text); INSERT INTO public.survivors VALUES ('row')");
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    expect(existsSync(join(dataDir, 'embedded-postgres.lock'))).toBe(true);

    const warnings: string[] = [];
    const server = await startEmbeddedPostgres({ dataDir, logger: { info() {}, warn: (m) => warnings.push(m) } });
    try {
      expect(warnings.join('\n')).toMatch(/did not stop cleanly/);
      expect(await query(server.url, 'SELECT name FROM public.survivors')).toEqual([{ name: 'row' }]);
    } finally {
      await server.stop();
    }
  });
});
