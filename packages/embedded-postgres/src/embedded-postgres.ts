// Runs one PGlite (PostgreSQL compiled to WebAssembly) in this process and serves it over the PostgreSQL wire
// protocol, so services and tests use it through `pg` and a DATABASE_URL exactly like a real PostgreSQL.
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.js';
import { keepBatchesTogether } from './message-batches.js';

export interface EmbeddedPostgresLogger {
  info(message: string): void;
  warn(message: string): void;
}

export interface EmbeddedPostgresOptions {
  /** Directory of the database files; undefined keeps the database in memory (gone at stop). */
  dataDir?: string;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** TCP port; 0 (the default) picks a free one, read it from the result. */
  port?: number;
  /** Connections served at once, across every client and pool (default 128); more are refused. */
  maxConnections?: number;
  logger?: EmbeddedPostgresLogger;
}

export interface EmbeddedPostgres {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  readonly url: string;
  readonly port: number;
  /** Closes every connection, then shuts PGlite down so everything is on disk. Safe to call twice. */
  stop(): Promise<void>;
}

const silentLogger: EmbeddedPostgresLogger = { info() {}, warn() {} };

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const { dataDir, host = '127.0.0.1', port = 0, maxConnections = 128, logger = silentLogger } = options;

  let lock: DataDirLock | undefined;
  if (dataDir !== undefined) {
    lock = acquireDataDirLock(dataDir);
    if (lock.tookOverFromPid !== undefined) {
      logger.warn(
        `embedded postgres: previous run (pid ${lock.tookOverFromPid}) did not stop cleanly; recovering ${dataDir}`,
      );
    }
  }

  let db: PGlite | undefined;
  let server: PGLiteSocketServer | undefined;
  try {
    // PGlite keeps its cluster in a sub-folder so the lock file and the cluster never mix
    db = await PGlite.create({ dataDir: dataDir === undefined ? undefined : join(dataDir, 'pgdata') });
    server = new PGLiteSocketServer({ db, host, port, maxConnections });
    keepBatchesTogether(server, db);
    server.addEventListener('error', (event) => {
      const detail = (event as CustomEvent<unknown>).detail;
      logger.warn(`embedded postgres: ${detail instanceof Error ? detail.message : String(detail)}`);
    });
    await server.start();
  } catch (error) {
    await db?.close().catch(() => {});
    lock?.release();
    throw error;
  }

  const listeningPort = Number(server.getServerConn().split(':').at(-1));
  const url = `postgres://postgres@${urlHost(host)}:${listeningPort}/postgres`;
  logger.info(`embedded postgres listening on ${url} (${dataDir === undefined ? 'in memory' : dataDir})`);

  const runningServer = server;
  const runningDb = db;
  let stopping: Promise<void> | undefined;
  return {
    url,
    port: listeningPort,
    stop() {
      stopping ??= (async () => {
        try {
          await runningServer.stop();
          // close() checkpoints and shuts the cluster down, so the next start needs no recovery
          await runningDb.close();
        } finally {
          lock?.release();
        }
        logger.info('embedded postgres stopped');
      })();
      return stopping;
    },
  };
}
