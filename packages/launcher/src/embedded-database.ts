// The embedded PostgreSQL of `npm start`, run and supervised like a service: restarted when it dies (the services
// reconnect by themselves), stopped last. Each service that keeps data gets a role and a database of its own, as in
// compose and Kubernetes.
import { type PreparedPostgres, prepareEmbeddedPostgres } from '@platform/embedded-postgres';
import { type Backoff, Supervisor } from './supervisor.js';

export const DATABASE_PROCESS = 'postgres';

export interface EmbeddedDatabase {
  /** The superuser's URL (for operators and tests; services get their own). */
  readonly adminUrl: string;
  /** The URL each service connects with: its own role and database. */
  readonly serviceUrls: Readonly<Record<string, string>>;
  readonly supervisor: Supervisor;
  /** Resolves once the server answers queries (after a restart too). */
  waitReady(options: { timeoutMs: number; signal?: AbortSignal }): Promise<void>;
  /** Fast shutdown (SIGINT; SIGKILL after graceMs), then gives the data directory up. */
  stop(graceMs: number): Promise<void>;
}

export interface EmbeddedDatabaseOptions {
  /** The server's directory: `<DATA_DIR>/postgres`. */
  dir: string;
  port: number;
  /** The services to make a role and a database for. */
  services: readonly string[];
  readyTimeoutMs: number;
  signal?: AbortSignal;
  /** The server's own lines and the preparation's messages. */
  say: (line: string) => void;
  /** The supervisor's messages (exits, restarts). */
  log: (message: string) => void;
  backoff?: Partial<Backoff>;
}

export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const { dir, port, services, readyTimeoutMs, signal, say, log } = options;
  const prepared: PreparedPostgres = await prepareEmbeddedPostgres({
    dataDir: dir,
    port,
    logger: { info: say, warn: say },
  });
  const { command } = prepared;
  const supervisor = new Supervisor({
    name: DATABASE_PROCESS,
    command: command.file,
    args: command.args,
    cwd: dir,
    env: command.env,
    onLine: (_stream, line) => say(line),
    log,
    stopSignal: 'SIGINT',
    ...(command.uid !== undefined ? { uid: command.uid, gid: command.gid } : {}),
    ...(options.backoff ? { backoff: options.backoff } : {}),
  });
  const stop = async (graceMs: number) => {
    await supervisor.stop(graceMs);
    prepared.release();
  };

  // a server that exits before it ever answered (a bad setting, a port taken meanwhile) fails the start, rather than
  // being restarted for ever
  const exitedEarly = new AbortController();
  const onEarlyExit = () =>
    exitedEarly.abort(new Error('the embedded PostgreSQL exited during start-up (see its lines above)'));
  supervisor.once('exit', onEarlyExit);
  try {
    supervisor.start();
    const stopWaiting = signal ? AbortSignal.any([signal, exitedEarly.signal]) : exitedEarly.signal;
    await prepared.waitUntilAccepting({ timeoutMs: readyTimeoutMs, signal: stopWaiting });
    supervisor.off('exit', onEarlyExit);
    const serviceUrls: Record<string, string> = {};
    for (const name of services) serviceUrls[name] = await prepared.serviceDatabaseUrl(name);
    const databases = services.length > 0 ? `; a database and role of its own for ${services.join(', ')}` : '';
    say(`embedded PostgreSQL ${prepared.version} ready on port ${prepared.port}${databases}`);
    return {
      adminUrl: prepared.url,
      serviceUrls,
      supervisor,
      waitReady: ({ timeoutMs, signal: waitSignal }) =>
        prepared.waitUntilAccepting({ timeoutMs, ...(waitSignal ? { signal: waitSignal } : {}) }),
      stop,
    };
  } catch (error) {
    supervisor.off('exit', onEarlyExit);
    await stop(0);
    throw error;
  }
}
