// How the server process is started: the binary, its settings on the command line (nothing is written to
// postgresql.conf), the environment, and as root the user it runs as.
import { existsSync } from 'node:fs';
import type { PostgresBinaries } from './binaries.js';
import type { ServerUser } from './server-user.js';

export interface ServerCommand {
  readonly file: string;
  readonly args: readonly string[];
  readonly env: Record<string, string | undefined>;
  /** Set when running as root: spawn it as this user. */
  readonly uid?: number;
  readonly gid?: number;
}

export interface ServerSettings {
  clusterDir: string;
  host: string;
  port: number;
  /** False for a throwaway cluster (tests): no fsync, which makes writes several times faster. */
  durable: boolean;
}

/**
 * On Linux the server is started through util-linux's setpriv with a parent-death signal: whatever ends the process
 * that started it (even SIGKILL), the server gets SIGINT and shuts down cleanly instead of living on as an orphan
 * that holds the port and the data directory. Elsewhere a leftover is stopped at the next start (leftover-server.ts).
 */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((path) => process.platform === 'linux' && existsSync(path));

/** The environment of initdb and postgres: this one without PG* variables, which would change their defaults. */
export function serverEnvironment(): Record<string, string | undefined> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('PG')));
  return { ...env, LC_ALL: 'C' };
}

export function serverCommand(binaries: PostgresBinaries, user: ServerUser, settings: ServerSettings): ServerCommand {
  const { clusterDir, host, port, durable } = settings;
  const settingArgs = Object.entries({
    listen_addresses: host,
    // TCP only: a socket file would need a directory the server user can write, and a short path
    unix_socket_directories: '',
    ...(durable ? {} : { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }),
    // after a crash (kill -9) the server first makes sure every data file is on disk: one syncfs of the file system
    // instead of an fsync per file, which takes seconds on a busy disk (Linux only)
    ...(durable && process.platform === 'linux' ? { recovery_init_sync_method: 'syncfs' } : {}),
  }).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
  const postgres = [binaries.postgres, '-D', clusterDir, '-p', String(port), ...settingArgs];
  const [file, ...args] = SETPRIV ? [SETPRIV, '--pdeathsig', 'SIGINT', '--', ...postgres] : postgres;
  return {
    file: file!,
    args,
    env: serverEnvironment(),
    ...(user.uid !== undefined ? { uid: user.uid, gid: user.gid } : {}),
  };
}
