// The storefront's configuration: the only module that reads process.env. Validated once at start; a bad value stops
// the process with a message naming the variable.
import {
  baseConfigProperties,
  ConfigError,
  configOrExit,
  loadConfig,
  portProperty,
} from '@platform/service-kit/config';
import Type, { type Static } from 'typebox';

const DAY = 24 * 3600;

export const configSchema = Type.Object({
  ...baseConfigProperties,
  PORT: portProperty(8082),
  /** Sessions live in schema `storefront` of this database. */
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
  /** Base URL of the gateway's public API; every page is built from what it answers. */
  GATEWAY_URL: Type.String({ default: 'http://127.0.0.1:8080', pattern: '^https?://[^\\s]+$' }),
  /** Deadline of one call to the gateway, connect to last byte. */
  GATEWAY_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 5_000 }),
  /**
   * The origin browsers use to reach the shop (e.g. `https://shop.example.com`). Forms are accepted only from it.
   * Unset: the origin the request itself names (Host, or X-Forwarded-Host/-Proto from trusted proxies).
   */
  PUBLIC_ORIGIN: Type.Optional(Type.String({ pattern: '^https?://[^\\s/]+$' })),
  /**
   * `auto`: the session cookie is Secure (and named `__Host-…`) when the request came over TLS; `true`: always, for
   * a TLS-terminating proxy that does not say so; `false`: never (plain-HTTP development only).
   */
  SESSION_COOKIE_SECURE: Type.Union([Type.Literal('auto'), Type.Literal('true'), Type.Literal('false')], {
    default: 'auto',
  }),
  /** A session unused this long ends. */
  SESSION_IDLE_TIMEOUT_SECONDS: Type.Integer({ minimum: 60, maximum: 30 * DAY, default: DAY }),
  /** A session ends this long after sign-in, however busy. */
  SESSION_ABSOLUTE_TIMEOUT_SECONDS: Type.Integer({ minimum: 60, maximum: 90 * DAY, default: 7 * DAY }),
  /** An access token is refreshed this long before it expires (at most half its lifetime before). */
  TOKEN_REFRESH_LEEWAY_SECONDS: Type.Integer({ minimum: 0, maximum: 600, default: 60 }),
  /** Proxies in front (the ingress) whose X-Forwarded-* headers are believed; 0 trusts none. */
  TRUST_PROXY_HOPS: Type.Integer({ minimum: 0, maximum: 10, default: 0 }),
});

export type Config = Static<typeof configSchema>;

/** The config from an environment; throws ConfigError naming every bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const config = loadConfig(configSchema, env);
  if (config.SESSION_IDLE_TIMEOUT_SECONDS > config.SESSION_ABSOLUTE_TIMEOUT_SECONDS) {
    throw new ConfigError([
      `SESSION_IDLE_TIMEOUT_SECONDS must not exceed SESSION_ABSOLUTE_TIMEOUT_SECONDS (got ${config.SESSION_IDLE_TIMEOUT_SECONDS} > ${config.SESSION_ABSOLUTE_TIMEOUT_SECONDS})`,
    ]);
  }
  return { ...config, GATEWAY_URL: config.GATEWAY_URL.replace(/\/+$/, '') };
}

/** For main.ts: the config from process.env, or exit 1 with a message naming every bad variable. */
export const readConfig = (): Config => configOrExit('storefront', () => parseConfig(process.env));
