// The auth service's configuration: the only module that reads process.env. Validated once at start; a bad or
// missing value stops the process with a message naming the variable.
import { isAbsolute, resolve } from 'node:path';
import { baseConfigProperties, loadConfigOrExit, portProperty, publicUrlProperty } from '@platform/service-kit/config';
import { trustedProxies } from '@platform/service-kit/trusted-proxies';
import Type, { type Static } from 'typebox';

/** The contract caps access tokens at 15 minutes; the schema enforces it so no deployment can exceed it. */
export const MAX_ACCESS_TOKEN_TTL_SECONDS = 900;

export const configSchema = Type.Object({
  ...baseConfigProperties,
  PORT: portProperty(8081),
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
  /** Generated signing keys live in DATA_DIR/auth/keys when no key file is configured. */
  DATA_DIR: Type.String({ minLength: 1, default: '.data' }),
  /**
   * The platform's public address (the gateway as clients reach it): the `iss` of every token, the `issuer` of the
   * published metadata, and the base of its `jwks_uri`.
   */
  PUBLIC_URL: publicUrlProperty,
  JWT_AUDIENCE: Type.String({ minLength: 1, default: 'platform-api' }),
  ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 1, maximum: MAX_ACCESS_TOKEN_TTL_SECONDS, default: 900 }),
  REFRESH_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 90 * 24 * 3600, default: 14 * 24 * 3600 }),
  /**
   * The key ring directory (current.pem, next.pem, optional previous.pem), e.g. a mounted Kubernetes Secret; unset,
   * keys are generated under DATA_DIR/auth/keys.
   */
  JWT_KEYS_DIR: Type.Optional(Type.String({ minLength: 1 })),
  /** Attempts per account (email) per window; further ones are refused (429) and the account locked for a while. */
  LOGIN_MAX_FAILURES: Type.Integer({ minimum: 1, maximum: 1_000, default: 5 }),
  /** Failed logins one client address may have per window (the budget refills over the window). */
  LOGIN_MAX_FAILURES_PER_IP: Type.Integer({ minimum: 1, maximum: 100_000, default: 20 }),
  /** The first lockout of an account; each lockout in a row doubles it. */
  LOGIN_LOCKOUT_SECONDS: Type.Integer({ minimum: 1, maximum: 24 * 3600, default: 60 }),
  LOGIN_LOCKOUT_MAX_SECONDS: Type.Integer({ minimum: 1, maximum: 7 * 24 * 3600, default: 3600 }),
  /** Attempts older than this no longer count towards a lockout. */
  LOGIN_FAILURE_WINDOW_SECONDS: Type.Integer({ minimum: 1, maximum: 7 * 24 * 3600, default: 900 }),
  /** Absolute lifetime of a login: its refresh tokens stop working this long after it, however often refreshed. */
  REFRESH_FAMILY_MAX_AGE_SECONDS: Type.Integer({ minimum: 60, maximum: 365 * 24 * 3600, default: 30 * 24 * 3600 }),
  /**
   * Addresses whose X-Forwarded-For is believed (the gateway; proxy-addr syntax: IPs, CIDRs, `loopback`,
   * `uniquelocal`, comma-separated). Unset: none, the peer's address is the client's.
   */
  TRUSTED_PROXIES: Type.Optional(Type.String({ pattern: '^[\\w.:/, -]+$' })),
  /** scrypt derivations at once: each holds 128 MiB at N=2^17, so this bounds the memory logins take. */
  PASSWORD_HASH_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 16, default: 1 }),
  /** Derivations that may wait for a slot; one more answers 503 with Retry-After at once. */
  PASSWORD_HASH_QUEUE_LIMIT: Type.Integer({ minimum: 0, maximum: 10_000, default: 32 }),
  /**
   * A derivation that waited this long for its slot answers 503 with Retry-After instead of starting: well inside the
   * gateway's AUTH_TIMEOUT_MS (5 s), so a login or registration is never done after the gateway gave up on it.
   */
  PASSWORD_HASH_MAX_WAIT_MS: Type.Integer({ minimum: 0, maximum: 60_000, default: 2_000 }),
  /**
   * The OAuth clients of POST /oauth/token (the platform's services), a JSON array of
   * `{client_id, client_secret_sha256, audiences}`; usually OAUTH_CLIENTS_FILE. Unset: no client gets a token.
   */
  OAUTH_CLIENTS: Type.Optional(Type.String({ minLength: 1 })),
  /** Lifetime of a service token from POST /oauth/token. */
  CLIENT_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 30, maximum: MAX_ACCESS_TOKEN_TTL_SECONDS, default: 300 }),
});

export type Config = Static<typeof configSchema>;

export const readConfig = (): Config =>
  loadConfigOrExit('auth', configSchema, process.env, (config) => {
    trustedProxies(config.TRUSTED_PROXIES, 'TRUSTED_PROXIES');
  });

/** The part of the config the key rotation CLI needs. */
export const rotateKeysConfigSchema = Type.Object({
  DATA_DIR: configSchema.properties.DATA_DIR,
  JWT_KEYS_DIR: configSchema.properties.JWT_KEYS_DIR,
  ACCESS_TOKEN_TTL_SECONDS: configSchema.properties.ACCESS_TOKEN_TTL_SECONDS,
});

export type RotateKeysConfig = Static<typeof rotateKeysConfigSchema>;

/**
 * Config for `npm run rotate-keys -w @platform/auth`. npm runs the script inside services/auth, so relative
 * directories are resolved against the directory npm was started from (INIT_CWD), as the service resolves them
 * against its own working directory: from the repo root, DATA_DIR=.data means <repo>/.data for both.
 */
export function readRotateKeysConfig(): RotateKeysConfig {
  const config = loadConfigOrExit('auth rotate-keys', rotateKeysConfigSchema, process.env);
  const base = process.env.INIT_CWD ?? process.cwd();
  const absolute = (path: string) => (isAbsolute(path) ? path : resolve(base, path));
  return {
    ...config,
    DATA_DIR: absolute(config.DATA_DIR),
    ...(config.JWT_KEYS_DIR ? { JWT_KEYS_DIR: absolute(config.JWT_KEYS_DIR) } : {}),
  };
}
