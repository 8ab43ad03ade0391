// The benchmark's settings: the only module that reads process.env. Defaults keep a whole run under ~10 minutes
// on a 2-core machine; BENCH_ROUNDS / BENCH_DURATION shorten or lengthen it.

export const SCENARIOS = ['read', 'uncached', 'http', 'auth', 'tracing', 'latency', 'startup', 'orders'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface BenchConfig {
  /** A PostgreSQL server to use (a fresh database is created on it); unset = start one of its own on pgPort. */
  databaseUrl: string | undefined;
  pgPort: number;
  /** Measured rounds per contender. */
  rounds: number;
  /** Seconds per round. */
  durationSeconds: number;
  warmupSeconds: number;
  /** Fixed connections of every throughput round. */
  connections: number;
  /** Fixed rate (0: half of what the read path sustained in scenario 1) and connections of the latency scenario. */
  fixedRate: number;
  fixedRateConnections: number;
  /** Process starts per service in the start-up scenario. */
  starts: number;
  /** Users placing orders at once in the orders scenario. */
  orderUsers: number;
  /** Which scenarios run. */
  scenarios: Set<Scenario>;
  /** Also run the embedded server's figures (a second platform start). */
  embedded: boolean;
  /** Shift of the contract ports for the benchmark's platform. */
  portOffset: number;
  keepDatabase: boolean;
}

export class BenchConfigError extends Error {}

export function loadBenchConfig(env: Record<string, string | undefined>): BenchConfig {
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new BenchConfigError(`${name} must be an integer from ${min} to ${max} (got ${raw})`);
    }
    return value;
  };
  const flag = (name: string, fallback: boolean) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!/^(true|false|1|0)$/.test(raw)) throw new BenchConfigError(`${name} must be true or false (got ${raw})`);
    return raw === 'true' || raw === '1';
  };
  const listed = (env.BENCH_SCENARIOS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = listed.filter((s) => !(SCENARIOS as readonly string[]).includes(s));
  if (unknown.length > 0) {
    throw new BenchConfigError(`BENCH_SCENARIOS: unknown ${unknown.join(', ')}; known: ${SCENARIOS.join(', ')}`);
  }
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    pgPort: int('BENCH_PG_PORT', 55433, 1, 65_535),
    rounds: int('BENCH_ROUNDS', 5, 1, 50),
    durationSeconds: int('BENCH_DURATION', 4, 1, 600),
    warmupSeconds: int('BENCH_WARMUP', 2, 0, 60),
    connections: int('BENCH_CONNECTIONS', 16, 1, 1_000),
    fixedRate: int('BENCH_FIXED_RATE', 0, 0, 100_000),
    fixedRateConnections: int('BENCH_FIXED_RATE_CONNECTIONS', 16, 1, 1_000),
    starts: int('BENCH_STARTS', 3, 1, 20),
    orderUsers: int('BENCH_ORDER_USERS', 32, 1, 500),
    scenarios: new Set((listed.length > 0 ? listed : SCENARIOS) as Scenario[]),
    embedded: flag('BENCH_EMBEDDED', true),
    portOffset: int('BENCH_PORT_OFFSET', 5_000, 1, 20_000),
    keepDatabase: flag('BENCH_KEEP_DATABASE', false),
  };
}

export interface ProfileConfig {
  databaseUrl: string | undefined;
  pgPort: number;
  portOffset: number;
  /** Seconds of load while the profiles are taken. */
  durationSeconds: number;
  connections: number;
  /** The path loaded, on the gateway. */
  path: string;
  /** Extra environment of the services, `KEY=value,KEY=value` (BENCH_PROFILE_ENV), e.g. PRODUCT_CACHE=false. */
  serviceEnv: Record<string, string>;
}

export function loadProfileConfig(env: Record<string, string | undefined>): ProfileConfig {
  const bench = loadBenchConfig({ ...env, BENCH_SCENARIOS: '' });
  const seconds = Number(env.BENCH_PROFILE_SECONDS ?? '15');
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 600) {
    throw new BenchConfigError(`BENCH_PROFILE_SECONDS must be an integer from 1 to 600 (got ${seconds})`);
  }
  const serviceEnv: Record<string, string> = {};
  for (const pair of (env.BENCH_PROFILE_ENV ?? '').split(',').filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at < 1) throw new BenchConfigError(`BENCH_PROFILE_ENV: expected KEY=value, got ${pair}`);
    serviceEnv[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return {
    databaseUrl: bench.databaseUrl,
    pgPort: bench.pgPort,
    portOffset: bench.portOffset,
    durationSeconds: seconds,
    connections: bench.connections,
    path: env.BENCH_PROFILE_PATH || '/api/catalog/products',
    serviceEnv,
  };
}
