// Who runs the server. PostgreSQL refuses to run as root, so a root process (CI, a container) runs it as the
// `postgres` system user, created when missing, and checks up front that this user can reach what it needs.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface ServerUser {
  /** Set only when running as root: the process switches to this user before it starts initdb or postgres. */
  readonly uid?: number;
  readonly gid?: number;
  readonly name: string;
}

export class ServerUserError extends Error {
  override name = 'ServerUserError';
}

const SYSTEM_USER = 'postgres';

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

function idOf(flag: '-u' | '-g', name: string): number | undefined {
  try {
    return Number(execFileSync('id', [flag, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    return undefined;
  }
}

function createSystemUser(name: string): void {
  // useradd (Debian, Fedora, ...) or busybox adduser (Alpine)
  const attempts: [string, string[]][] = [
    ['useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', name]],
    ['adduser', ['-S', '-D', '-H', name]],
  ];
  for (const [command, args] of attempts) {
    try {
      execFileSync(command, args, { stdio: 'ignore' });
      return;
    } catch {
      // try the next one
    }
  }
}

/** This process's user, or as root the `postgres` system user (made with useradd when it does not exist yet). */
export function serverUser(log: (message: string) => void = () => {}): ServerUser {
  if (!isRoot()) return { name: 'the current user' };
  let uid = idOf('-u', SYSTEM_USER);
  if (uid === undefined) {
    log(`running as root: creating the system user ${SYSTEM_USER} to run PostgreSQL (it refuses to run as root)`);
    createSystemUser(SYSTEM_USER);
    uid = idOf('-u', SYSTEM_USER);
  }
  const gid = idOf('-g', SYSTEM_USER);
  if (uid === undefined || gid === undefined) {
    throw new ServerUserError(
      `running as root, and PostgreSQL refuses to run as root: no user ${SYSTEM_USER} exists and none could be created; create one, or run as an unprivileged user`,
    );
  }
  return { uid, gid, name: SYSTEM_USER };
}

/**
 * Throws unless the server user can enter every directory on the way to `path` (a root-owned 0700 directory such as
 * /root or a mkdtemp folder stops it), naming the first one that blocks it.
 */
export function assertReachable(path: string, user: ServerUser): void {
  if (user.uid === undefined) return;
  const blocked: string[] = [];
  for (let dir = dirname(resolve(path)); ; dir = dirname(dir)) {
    const { mode, uid, gid } = statSync(dir);
    const searchBit = uid === user.uid ? 0o100 : gid === user.gid ? 0o010 : 0o001;
    if ((mode & searchBit) === 0) blocked.push(dir);
    if (dirname(dir) === dir) break;
  }
  const first = blocked.at(-1);
  if (first !== undefined) {
    throw new ServerUserError(
      `running as root, PostgreSQL runs as user ${user.name}, which cannot enter ${first} on the way to ${path}; put the data somewhere it can reach (e.g. DATA_DIR=/var/tmp/platform), or run as an unprivileged user`,
    );
  }
}
