// The whole platform in one call: the embedded PostgreSQL (unless a DATABASE_URL is given) and every service as a
// supervised child process, ready when every readiness URL answers 200. `main.ts` and end-to-end tests use it.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DATABASE_PROCESS, type EmbeddedDatabase, startEmbeddedDatabase } from './embedded-database.js';
import { formatPrefix } from './line-prefixer.js';
import { waitUntilReady } from './readiness.js';
import { repoRoot as defaultRepoRoot } from './repo-root.js';
import { ensureServiceSecrets, secretsDirectory } from './service-secrets.js';
import {
  CONTRACT_PORTS,
  defaultServiceNames,
  gatewayUrlFor,
  type PlatformPorts,
  SERVICE_CLIENTS,
  type ServiceDefinition,
  servicesFor,
} from './services.js';
import { type Backoff, Supervisor } from './supervisor.js';

export interface StartPlatformOptions {
  /** The environment every service inherits (CONTRACT: `npm start` passes its environment on). */
  env: Record<string, string | undefined>;
  /** Absolute; the embedded database goes to `<dataDir>/postgres`, services that keep files get it as DATA_DIR. */
  dataDir: string;
  /** Names of the services to run (default: all of the table but the optional ones, e.g. loadgen), in start order. */
  services?: readonly string[];
  /** Receives every output line, already prefixed (default: stdout). */
  logSink?: (line: string) => void;
  /** ANSI colours in prefixes (default false; main.ts turns them on for a TTY). */
  color?: boolean;
  /** Reshapes each line a service writes before it is prefixed (main.ts pretty-prints JSON logs on a TTY). */
  formatLine?: (line: string) => string;
  /** How long every service gets to become ready, at start and in waitReady/restart (default 60 s). */
  readyTimeoutMs?: number;
  /** How long a service gets after SIGTERM before SIGKILL (default 15 s). */
  stopTimeoutMs?: number;
  /** Use this PostgreSQL instead of starting the embedded one (default: env.DATABASE_URL). */
  databaseUrl?: string;
  /** Port of the embedded server (default 0: any free port; main.ts passes EMBEDDED_POSTGRES_PORT). */
  embeddedPostgresPort?: number;
  /**
   * The interface the public service (the gateway) listens on, e.g. 0.0.0.0 to reach it from the network; the
   * others keep HOST (loopback unless set). Default: the gateway keeps HOST too. main.ts passes GATEWAY_HOST.
   */
  gatewayHost?: string;
  /** Aborting during start-up stops everything started so far and rejects. */
  signal?: AbortSignal;
  /** The service table (default: SERVICES from services.ts); tests pass their own. */
  table?: readonly ServiceDefinition[];
  /** The platform's ports (default: the contract's); tests and benchmarks shift them with offsetPorts(). */
  ports?: PlatformPorts;
  /** Where entry paths resolve from (default: this repository's root). */
  repoRoot?: string;
  backoff?: Partial<Backoff>;
  /**
   * Stack traces mapped to the TypeScript sources (default true). Costs start-up time and memory in every service
   * (Node reads each module's source map as it loads), so the benchmark turns it off, as the images run.
   */
  sourceMaps?: boolean;
  /**
   * Run each service from its modules (`moduleEntry`, dist/main.js) instead of its bundle: `npm run dev`, whose
   * rebuilds transpile the edited files and do not bundle. Default false.
   */
  modules?: boolean;
}

/**
 * The methods taking a name accept a service of the table or, when the platform runs the embedded server, `postgres`:
 * it is supervised like a service (restarted when it dies, ready once it answers queries).
 */
export interface Platform {
  /** http://127.0.0.1:8080 */
  readonly gatewayUrl: string;
  /**
   * The PUBLIC_URL every service got: the issuer of the tokens and the base of the published metadata. The
   * environment's PUBLIC_URL, else http://localhost:<gateway port>.
   */
  readonly publicUrl: string;
  /** The embedded server's superuser URL, or the DATABASE_URL passed in. */
  readonly databaseUrl: string;
  /** The DATABASE_URL each service got: with the embedded server, its own role and database; else databaseUrl. */
  readonly databaseUrls: Readonly<Record<string, string>>;
  /** SIGTERM to every service, wait (SIGKILL after the deadline), then stop the embedded server. force: SIGKILL now. */
  stop(options?: { force?: boolean }): Promise<void>;
  /** Signals one process and resolves once it exited; the supervisor restarts it with backoff. */
  kill(name: string, signal: NodeJS.Signals): Promise<void>;
  /** Stops one process gracefully, starts it again, and resolves once it is ready. */
  restart(name: string): Promise<void>;
  /** Stops one process gracefully and keeps it stopped (an outage, in a failure test) until startService. */
  stopService(name: string): Promise<void>;
  /** Starts a process stopped by stopService and resolves once it is ready. */
  startService(name: string): Promise<void>;
  /** Resolves once the process is ready again (readiness URL 200, or the database answering; rejects after readyTimeoutMs). */
  waitReady(name: string): Promise<void>;
  /** The process id while it runs, e.g. to pause it with SIGSTOP in a failure test. */
  pid(name: string): number | undefined;
}

/** What `npm start` prints once ready: where people open the platform (the API, the shop), else what runs. */
export function readyLine(definitions: readonly ServiceDefinition[], gatewayHost?: string): string {
  const entries = definitions.filter((d) => d.url !== undefined);
  if (entries.length === 0) return definitions.map((d) => d.name).join(', ');
  return entries
    .map((d) => {
      const listening = d.public && gatewayHost ? `, listening on ${gatewayHost}` : '';
      return `${d.url!.replace('127.0.0.1', 'localhost')} (${d.name}${listening})`;
    })
    .join(', ');
}
/**
 * The platform's public address when the environment names none: the gateway as a person on this machine types it
 * (the contract's http://localhost:8080, or its offset port), so the issuer's metadata can be fetched under it.
 */
export const defaultPublicUrl = (ports: PlatformPorts) => `http://localhost:${ports.gateway}`;

/** The environment one service is started with: everything inherited plus what the launcher must supply. */
export function serviceEnvironment(
  definition: ServiceDefinition,
  inherited: Record<string, string | undefined>,
  context: { databaseUrl: string; dataDir: string; gatewayHost?: string | undefined; publicUrl?: string | undefined },
): Record<string, string | undefined> {
  // a secret the environment already gives (the variable itself or its _FILE) is the operator's choice
  const secrets = Object.entries(definition.secretFiles ?? {})
    .filter(([variable]) => !inherited[variable] && !inherited[variable.replace(/_FILE$/, '')])
    .map(([variable, file]) => [variable, join(secretsDirectory(context.dataDir), file)]);
  return {
    ...inherited,
    ...(definition.usesDatabase ? { DATABASE_URL: context.databaseUrl } : {}),
    ...(definition.usesDataDir ? { DATA_DIR: context.dataDir } : {}),
    ...Object.fromEntries(secrets),
    ...(definition.public && context.gatewayHost ? { HOST: context.gatewayHost } : {}),
    // one issuer for all: auth signs with it and every verifier expects it
    ...(context.publicUrl ? { PUBLIC_URL: context.publicUrl } : {}),
    OTEL_SERVICE_NAME: inherited.OTEL_SERVICE_NAME || definition.name,
    ...definition.env,
  };
}

export async function startPlatform(options: StartPlatformOptions): Promise<Platform> {
  const {
    env,
    logSink = (line: string) => process.stdout.write(`${line}\n`),
    color = false,
    readyTimeoutMs = 60_000,
    stopTimeoutMs = 15_000,
    embeddedPostgresPort = 0,
    signal,
    ports = CONTRACT_PORTS,
    table = servicesFor(ports),
    repoRoot = defaultRepoRoot,
  } = options;
  const dataDir = resolve(options.dataDir);
  const gatewayUrl = gatewayUrlFor(ports);
  const publicUrl = env.PUBLIC_URL || defaultPublicUrl(ports);
  const names = options.services ?? defaultServiceNames(table);
  const definitions = names.map((name) => {
    const definition = table.find((s) => s.name === name);
    if (!definition) throw new Error(`unknown service ${name}; known: ${table.map((s) => s.name).join(', ')}`);
    return definition;
  });
  const entryOf = (definition: ServiceDefinition) =>
    options.modules && definition.moduleEntry ? definition.moduleEntry : definition.entry;
  const missing = definitions.filter((d) => !existsSync(resolve(repoRoot, entryOf(d))));
  if (missing.length > 0) {
    throw new Error(`not built: ${missing.map(entryOf).join(', ')} (run \`npm run build\` first)`);
  }

  const width = Math.max('launcher'.length, 'postgres'.length, ...names.map((n) => n.length));
  const prefixes = new Map<string, string>();
  const prefixOf = (name: string) => {
    let prefix = prefixes.get(name);
    if (prefix === undefined) {
      prefix = formatPrefix(name, width, color ? prefixes.size : undefined);
      prefixes.set(name, prefix);
    }
    return prefix;
  };
  const say = (name: string, message: string) => logSink(prefixOf(name) + message);
  const log = (message: string) => say('launcher', message);

  let database: EmbeddedDatabase | undefined;
  const supervisors = new Map<string, Supervisor>();
  const stopAll = async (force: boolean) => {
    await Promise.all([...supervisors.values()].map((s) => s.stop(force ? 0 : stopTimeoutMs)));
    // even when forced, a moment for a clean shutdown: it takes well under a second
    await database?.stop(force ? 5_000 : stopTimeoutMs);
  };

  const given = options.databaseUrl ?? (env.DATABASE_URL || undefined);
  let databaseUrl = given ?? '';
  let databaseUrls: Record<string, string> = {};
  try {
    signal?.throwIfAborted();
    const databaseUsers = definitions.filter((d) => d.usesDatabase).map((d) => d.name);
    if (given === undefined) {
      database = await startEmbeddedDatabase({
        dir: join(dataDir, 'postgres'),
        port: embeddedPostgresPort,
        services: databaseUsers,
        readyTimeoutMs,
        ...(signal ? { signal } : {}),
        say: (line) => say(DATABASE_PROCESS, line),
        log,
        ...(options.backoff ? { backoff: options.backoff } : {}),
      });
      databaseUrl = database.adminUrl;
      databaseUrls = { ...database.serviceUrls };
    } else {
      log('DATABASE_URL is set: no embedded PostgreSQL, every service uses it');
      databaseUrls = Object.fromEntries(databaseUsers.map((name) => [name, given]));
    }
    signal?.throwIfAborted();
    if (definitions.some((definition) => definition.secretFiles)) await ensureServiceSecrets(dataDir, SERVICE_CLIENTS);

    for (const definition of definitions) {
      const supervisor = new Supervisor({
        name: definition.name,
        command: process.execPath,
        args: [
          ...(options.sourceMaps === false ? [] : ['--enable-source-maps']),
          resolve(repoRoot, entryOf(definition)),
        ],
        cwd: repoRoot,
        env: serviceEnvironment(definition, env, {
          databaseUrl: databaseUrls[definition.name] ?? '',
          dataDir,
          gatewayHost: options.gatewayHost,
          publicUrl,
        }),
        onLine: (_stream, line) => say(definition.name, options.formatLine ? options.formatLine(line) : line),
        log,
        // the channel closes when the launcher dies, however it dies: the service then shuts down by itself
        ipc: true,
        ...(options.backoff ? { backoff: options.backoff } : {}),
      });
      supervisors.set(definition.name, supervisor);
      supervisor.start();
    }

    await Promise.all(
      definitions.map((d) => waitUntilReady(d.readyUrl, { timeoutMs: readyTimeoutMs, ...(signal ? { signal } : {}) })),
    );
  } catch (error) {
    await stopAll(false);
    throw error;
  }

  // ends waits that outlive the platform (a restarted service being watched while everything stops)
  const lifetime = new AbortController();
  // after the first readiness, say when a restarted process can serve again
  const supervised = new Map(supervisors);
  if (database) supervised.set(DATABASE_PROCESS, database.supervisor);
  for (const [name, supervisor] of supervised) {
    // one watch per name: a new spawn ends the watch of the one before (which died before it was ready), so a
    // process that needed several attempts is said to be ready once, not once per attempt
    let watch: AbortController | undefined;
    supervisor.on('spawn', () => {
      watch?.abort();
      const current = new AbortController();
      watch = current;
      readyUnless(name, AbortSignal.any([lifetime.signal, current.signal])).then(
        () => log(`${name} ready again after restart`),
        () => {},
      );
    });
  }

  log(`Platform ready: ${readyLine(definitions, options.gatewayHost)}`);

  const supervisorOf = (name: string) => {
    const supervisor = supervised.get(name);
    if (!supervisor) throw new Error(`${name} is not running in this platform`);
    return supervisor;
  };
  function waitReady(name: string): Promise<void> {
    return readyUnless(name, lifetime.signal);
  }
  function readyUnless(name: string, signal: AbortSignal): Promise<void> {
    supervisorOf(name);
    const wait = { timeoutMs: readyTimeoutMs, signal };
    if (name === DATABASE_PROCESS && database) return database.waitReady(wait);
    return waitUntilReady(definitions.find((d) => d.name === name)!.readyUrl, wait);
  }

  let stopping: Promise<void> | undefined;
  return {
    gatewayUrl,
    publicUrl,
    databaseUrl,
    databaseUrls,
    stop({ force = false } = {}) {
      lifetime.abort(new Error('platform stopped'));
      if (force) {
        log('forcing: SIGKILL to every service');
        const forced = stopAll(true);
        stopping ??= forced;
        return forced;
      }
      stopping ??= (async () => {
        log('stopping: SIGTERM to every service');
        await stopAll(false);
        log('stopped');
      })();
      return stopping;
    },
    kill: (name, killSignal) => supervisorOf(name).kill(killSignal),
    async restart(name) {
      const supervisor = supervisorOf(name);
      await supervisor.stop(stopTimeoutMs);
      supervisor.start();
      await waitReady(name);
    },
    stopService: (name) => supervisorOf(name).stop(stopTimeoutMs),
    async startService(name) {
      supervisorOf(name).start();
      await waitReady(name);
    },
    waitReady,
    pid: (name) => supervisorOf(name).pid,
  };
}
