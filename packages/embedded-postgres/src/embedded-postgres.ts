// A real PostgreSQL server from the npm registry's binaries (no system install): prepared (cluster, credentials,
// port, leftovers of a killed run) by prepareEmbeddedPostgres, which the launcher then runs under its supervisor,
// or prepared and run here by startEmbeddedPostgres, for tests and the CLI.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type WaitAcceptingOptions, waitUntilAccepting } from './accepting.js';
import { postgresBinaries } from './binaries.js';
import { clusterLayout, ensureCluster, SUPERUSER, superuserPassword } from './cluster.js';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.js';
import { clearLeftoverServer } from './leftover-server.js';
import { choosePort } from './port.js';
import { type ServerCommand, serverCommand } from './server-command.js';
import { assertReachable, serverUser } from './server-user.js';
import { ensureServiceDatabase, rolePassword } from './service-databases.js';

export interface EmbeddedPostgresLogger {
  info(message: string): void;
  warn(message: string): void;
}

export interface EmbeddedPostgresOptions {
  /**
   * The server's directory (lock, superuser password, and the cluster in `pg<major>/`); data survives restarts.
   * Undefined: a throwaway cluster in a temporary directory, without fsync, removed when released.
   */
  dataDir?: string;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** TCP port; 0 (the default) picks a free one, read it from the result. */
  port?: number;
  logger?: EmbeddedPostgresLogger;
}

/** A cluster ready to run. */
export interface PreparedPostgres {
  /** The superuser's URL: postgres://postgres:PASSWORD@127.0.0.1:PORT/postgres */
  readonly url: string;
  readonly port: number;
  /** PostgreSQL's version, e.g. 15.18.0-beta.17 (the binaries package's). */
  readonly version: string;
  /** The server process: run it, stop it with SIGINT (fast shutdown: no waiting for clients to disconnect). */
  readonly command: ServerCommand;
  /** Resolves once the server answers queries. */
  waitUntilAccepting(options: WaitAcceptingOptions): Promise<void>;
  /** A role and a database of its own for `name` (made when missing), and the URL to reach it as that role. */
  serviceDatabaseUrl(name: string): Promise<string>;
  /** Gives the directory up once the server has exited: releases its lock, removes a throwaway cluster. */
  release(): void;
}

export interface EmbeddedPostgres {
  readonly url: string;
  readonly port: number;
  /** The server's process id while it runs. */
  readonly pid: number | undefined;
  serviceDatabaseUrl(name: string): Promise<string>;
  /** Fast shutdown (SIGINT: open sessions are rolled back, a clean checkpoint), then release(). Safe to call twice. */
  stop(): Promise<void>;
}

const silentLogger: EmbeddedPostgresLogger = { info() {}, warn() {} };

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export async function prepareEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<PreparedPostgres> {
  const { host = '127.0.0.1', logger = silentLogger } = options;
  const binaries = postgresBinaries();
  const user = serverUser((m) => logger.warn(m));
  const throwaway = options.dataDir === undefined;
  let dir: string;
  let lock: DataDirLock | undefined;
  if (options.dataDir === undefined) {
    dir = mkdtempSync(join(tmpdir(), 'embedded-postgres-'));
    // mkdtemp makes it 0700: as root, the server's own user must be able to enter it
    if (user.uid !== undefined) chmodSync(dir, 0o755);
  } else {
    dir = resolve(options.dataDir);
    lock = acquireDataDirLock(dir);
    if (lock.tookOverFromPid !== undefined) {
      logger.warn(`the previous run (pid ${lock.tookOverFromPid}) did not stop cleanly; recovering ${dir}`);
    }
  }
  const release = () => {
    lock?.release();
    if (throwaway) rmSync(dir, { recursive: true, force: true });
  };

  try {
    const layout = clusterLayout(dir, binaries);
    assertReachable(layout.clusterDir, user);
    assertReachable(binaries.postgres, user);
    if (!throwaway) {
      const cleared = await clearLeftoverServer(layout.clusterDir);
      if (cleared) logger.warn(cleared);
      if (existsSync(join(dir, 'pgdata'))) {
        logger.warn(`${join(dir, 'pgdata')} holds the data of the former PGlite server; it is not used (delete it)`);
      }
    }
    const password = superuserPassword(layout);
    const created = await ensureCluster(layout, { binaries, user, password, log: () => {} });
    if (created) logger.info(`created a PostgreSQL ${binaries.version} cluster in ${layout.clusterDir}`);
    const port = await choosePort(host, options.port ?? 0);
    const url = `postgres://${SUPERUSER}:${password}@${urlHost(host)}:${port}/postgres`;
    return {
      url,
      port,
      version: binaries.version,
      command: serverCommand(binaries, user, { clusterDir: layout.clusterDir, host, port, durable: !throwaway }),
      waitUntilAccepting: (wait) => waitUntilAccepting(url, wait),
      serviceDatabaseUrl: (name) => ensureServiceDatabase(url, name, rolePassword(password, name)),
      release,
    };
  } catch (error) {
    release();
    throw error;
  }
}

/** Prepares the cluster, runs the server as a child process, and resolves once it answers queries. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const logger = options.logger ?? silentLogger;
  const prepared = await prepareEmbeddedPostgres(options);
  const { command } = prepared;
  const child = spawn(command.file, command.args, {
    env: command.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // its own process group: a Ctrl-C in a terminal reaches only its owner, which then stops it in order
    detached: process.platform !== 'win32',
    ...(command.uid !== undefined ? { uid: command.uid, gid: command.gid } : {}),
  });
  const recent: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) {
        if (!line) continue;
        recent.push(line);
        if (recent.length > 20) recent.shift();
        logger.info(line);
      }
    });
  }
  const exitedEarly = new AbortController();
  const exited = new Promise<void>((resolveExit) => {
    child.once('close', (code, signal) => {
      exitedEarly.abort(new Error(`PostgreSQL exited (${signal ?? `code ${code}`}): ${recent.slice(-5).join(' | ')}`));
      resolveExit();
    });
  });
  child.once('error', (error) => exitedEarly.abort(error));

  try {
    await prepared.waitUntilAccepting({ timeoutMs: 60_000, signal: exitedEarly.signal });
  } catch (error) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    prepared.release();
    throw error;
  }
  logger.info(`embedded postgres listening on port ${prepared.port} (PostgreSQL ${prepared.version})`);

  let stopping: Promise<void> | undefined;
  return {
    url: prepared.url,
    port: prepared.port,
    get pid() {
      return child.exitCode === null && child.signalCode === null ? child.pid : undefined;
    },
    serviceDatabaseUrl: prepared.serviceDatabaseUrl,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGINT');
          const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
          await exited;
          clearTimeout(timer);
        }
        prepared.release();
        logger.info('embedded postgres stopped');
      })();
      return stopping;
    },
  };
}
