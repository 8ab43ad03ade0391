// The launcher's own environment and arguments, read and validated once; services read theirs themselves from what it
// passes on.
import { isAbsolute, join, resolve } from 'node:path';
import { CONTRACT_PORTS } from '@platform/topology';
import { repoRoot } from './repo-root.js';

/** The largest offset that keeps every port of the list a port (65535 at most). */
export const MAX_PORT_OFFSET = 65_535 - Math.max(...Object.values(CONTRACT_PORTS));

/**
 * Ports the Fetch standard blocks ("bad ports"), that an offset can move an HTTP port onto: browsers, undici's
 * fetch (the storefront's calls to the gateway) and the launcher's readiness checks refuse them.
 */
const FETCH_BLOCKED_PORTS = new Set([10_080]);

/** The HTTP ports of the list moved by `offset` that fetch refuses (gRPC ports are not fetched). */
function blockedHttpPorts(offset: number): string[] {
  return Object.entries(CONTRACT_PORTS)
    .filter(([name, port]) => !name.endsWith('Grpc') && FETCH_BLOCKED_PORTS.has(port + offset))
    .map(([name, port]) => `${name} on ${port + offset}`);
}

export interface LauncherConfig {
  /** Absolute; the embedded database lives in `<dataDir>/postgres`, auth keeps its keys here too. */
  dataDir: string;
  /** Set: no embedded server, every service uses this PostgreSQL. */
  databaseUrl: string | undefined;
  /** 0: any free port. */
  embeddedPostgresPort: number;
  /** PLATFORM_PORT_OFFSET: every port of the platform moved by this much (0: the contract's). */
  portOffset: number;
  /** Set: the gateway listens on this interface (0.0.0.0: reachable from the network); the others stay on HOST. */
  gatewayHost: string | undefined;
  /** How long a service gets after SIGTERM before SIGKILL: its own SHUTDOWN_TIMEOUT_MS plus a margin. */
  stopTimeoutMs: number;
  /** False when NO_COLOR is set (https://no-color.org); colours are used only on a TTY anyway. */
  colorAllowed: boolean;
  /** `--with-load`: the optional services (the load generator) run too. */
  withLoad: boolean;
  /** The whole environment, passed on to every service (CONTRACT). */
  environment: Record<string, string | undefined>;
}

export class LauncherConfigError extends Error {
  override name = 'LauncherConfigError';
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function integer(env: Record<string, string | undefined>, name: string, fallback: number, min: number, max: number) {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new LauncherConfigError(`${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(raw)})`);
  }
  return value;
}

/** What `npm start -- <arguments>` accepts. */
export const USAGE = 'usage: npm start [-- --with-load]   (--with-load: the load generator runs too)';

export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  cwd = process.cwd(),
  args: readonly string[] = [],
): LauncherConfig {
  const unknown = args.filter((arg) => arg !== '--with-load');
  if (unknown.length > 0) throw new LauncherConfigError(`unknown argument ${unknown[0]}; ${USAGE}`);

  const dataDirRaw = nonEmpty(env.DATA_DIR);
  const dataDir =
    dataDirRaw === undefined ? join(repoRoot, '.data') : isAbsolute(dataDirRaw) ? dataDirRaw : resolve(cwd, dataDirRaw);

  const databaseUrl = nonEmpty(env.DATABASE_URL);
  if (databaseUrl !== undefined) {
    let protocol: string;
    try {
      protocol = new URL(databaseUrl).protocol;
    } catch {
      throw new LauncherConfigError('DATABASE_URL must be a URL like postgres://user:password@host:5432/database');
    }
    if (protocol !== 'postgres:' && protocol !== 'postgresql:') {
      throw new LauncherConfigError(`DATABASE_URL must start with postgres:// or postgresql:// (got ${protocol}//)`);
    }
  }

  const shutdownTimeoutMs = integer(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 120_000);
  const portOffset = integer(env, 'PLATFORM_PORT_OFFSET', 0, 0, MAX_PORT_OFFSET);
  const blocked = blockedHttpPorts(portOffset);
  if (blocked.length > 0) {
    throw new LauncherConfigError(
      `PLATFORM_PORT_OFFSET ${portOffset} puts ${blocked.join(', ')}, a port browsers and fetch refuse; choose another offset`,
    );
  }
  return {
    dataDir,
    databaseUrl,
    embeddedPostgresPort: integer(env, 'EMBEDDED_POSTGRES_PORT', 54329, 0, 65535),
    portOffset,
    gatewayHost: nonEmpty(env.GATEWAY_HOST),
    stopTimeoutMs: shutdownTimeoutMs + 5_000,
    colorAllowed: nonEmpty(env.NO_COLOR) === undefined,
    withLoad: args.includes('--with-load'),
    environment: { ...env },
  };
}
