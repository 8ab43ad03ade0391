// The load generator's configuration: the only module that reads process.env. Validated once at start; a bad value
// stops the process with a message naming the variable.
import {
  baseConfigProperties,
  ConfigError,
  configOrExit,
  loadConfig,
  portProperty,
} from '@platform/service-kit/config';
import Type, { type Static } from 'typebox';
import { type ActionMix, DEFAULT_MIX, parseActionMix } from './action-mix.js';

export const configSchema = Type.Object({
  ...baseConfigProperties,
  /** /healthz, /readyz and /metrics (CONTRACT: ops HTTP 9103). */
  OPS_PORT: portProperty(9103),
  /** The public API the shoppers use. */
  GATEWAY_URL: Type.String({ default: 'http://127.0.0.1:8080', pattern: '^https?://[^\\s]+$' }),
  /** Simulated shoppers acting at once, each with its own account. */
  LOADGEN_USERS: Type.Integer({ minimum: 1, maximum: 1_000, default: 5 }),
  /** Actions per second, all shoppers together (each action is one to three requests). */
  LOADGEN_RATE: Type.Number({ exclusiveMinimum: 0, maximum: 1_000, default: 2 }),
  /** Weights of the actions: browse (list, then one product), order, orders (list mine), cancel, login. */
  LOADGEN_MIX: Type.String({ default: DEFAULT_MIX }),
  /** Deadline of one request. */
  LOADGEN_REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 5_000 }),
  /** Longest pause after errors, and longest Retry-After honoured. */
  LOADGEN_MAX_BACKOFF_MS: Type.Integer({ minimum: 100, maximum: 600_000, default: 30_000 }),
  /** Confirmed orders a shopper keeps at most; the next order cancels its oldest first, so stock does not drain. */
  LOADGEN_MAX_OPEN_ORDERS: Type.Integer({ minimum: 1, maximum: 100, default: 3 }),
});

export type Config = Static<typeof configSchema> & { mix: ActionMix };

/** The config from an environment; throws ConfigError naming every bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const config = loadConfig(configSchema, env);
  let mix: ActionMix;
  try {
    mix = parseActionMix(config.LOADGEN_MIX);
  } catch (error) {
    throw new ConfigError([`LOADGEN_MIX ${(error as Error).message}`]);
  }
  return { ...config, GATEWAY_URL: config.GATEWAY_URL.replace(/\/+$/, ''), mix };
}

/** For main.ts: the config from process.env, or exit 1 with a message naming every bad variable. */
export const readConfig = (): Config => configOrExit('loadgen', () => parseConfig(process.env));
