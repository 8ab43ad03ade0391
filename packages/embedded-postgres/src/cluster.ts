// The database cluster on disk: made once with initdb (password authentication, UTF-8, C locale), kept under the
// embedded server's directory with the superuser's password beside it.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PostgresBinaries } from './binaries.js';
import { serverEnvironment } from './server-command.js';
import type { ServerUser } from './server-user.js';

/** The superuser initdb creates; the launcher makes a role of their own for the services. */
export const SUPERUSER = 'postgres';

export interface ClusterLayout {
  /** The cluster itself (PGDATA), named after the major version so a later major never opens it by mistake. */
  readonly clusterDir: string;
  readonly passwordFile: string;
}

export function clusterLayout(dir: string, binaries: PostgresBinaries): ClusterLayout {
  const major = binaries.version.split('.')[0];
  return { clusterDir: join(dir, `pg${major}`), passwordFile: join(dir, 'superuser-password') };
}

/** The superuser's password: made once (random), then read back; only this user can read the file. */
export function superuserPassword(layout: ClusterLayout): string {
  if (existsSync(layout.passwordFile)) return readFileSync(layout.passwordFile, 'utf8').trim();
  const password = randomBytes(24).toString('base64url');
  writeFileSync(layout.passwordFile, `${password}\n`, { mode: 0o600, flag: 'wx' });
  return password;
}

export interface InitOptions {
  binaries: PostgresBinaries;
  user: ServerUser;
  password: string;
  log: (line: string) => void;
}

/**
 * Runs initdb unless the cluster exists. It works in a sibling folder renamed into place at the end, so a run
 * killed half-way leaves nothing that looks like a cluster and the next start simply begins again.
 */
export async function ensureCluster(layout: ClusterLayout, options: InitOptions): Promise<boolean> {
  const { clusterDir } = layout;
  if (existsSync(join(clusterDir, 'PG_VERSION'))) return false;
  const { binaries, user, password, log } = options;
  const partial = `${clusterDir}.partial`;
  const passwordFile = `${clusterDir}.initdb-password`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { mode: 0o700 });
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  if (user.uid !== undefined && user.gid !== undefined) {
    chownSync(partial, user.uid, user.gid);
    chownSync(passwordFile, user.uid, user.gid);
  }
  try {
    const args = [
      `--pgdata=${partial}`,
      `--username=${SUPERUSER}`,
      `--pwfile=${passwordFile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
      // the final fsync of a new, empty cluster costs seconds on a busy disk and guards only against an OS crash
      // in the next moments, after which the cluster would simply be made again
      '--no-sync',
    ];
    await run(binaries.initdb, args, user, log);
  } finally {
    rmSync(passwordFile, { force: true });
  }
  rmSync(clusterDir, { recursive: true, force: true });
  renameSync(partial, clusterDir);
  return true;
}

function run(file: string, args: string[], user: ServerUser, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: serverEnvironment(),
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(user.uid !== undefined ? { uid: user.uid, gid: user.gid } : {}),
    });
    const output: string[] = [];
    for (const stream of [child.stdout, child.stderr]) {
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => output.push(chunk));
    }
    child.once('error', reject);
    child.once('close', (code, signal) => {
      const text = output.join('').trim();
      if (code === 0) {
        for (const line of text.split('\n')) if (line.trim()) log(line);
        resolve();
      } else {
        reject(new Error(`initdb failed (${signal ?? `exit code ${code}`}): ${text.split('\n').slice(-5).join(' ')}`));
      }
    });
  });
}
