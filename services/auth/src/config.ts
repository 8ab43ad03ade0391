// The auth service's configuration: the only module that reads process.env. Validated once at start; a bad or
// missing value stops the process with a message naming the variable.
import { isAbsolute, resolve } from 'node:path';
import { baseConfigProperties, loadConfigOrExit } from '@platform/service-kit/config';
import Type, { type Static } from 'typebox';

/** The contract caps access tokens at 15 minutes; the schema enforces it so no deployment can exceed it. */
export const MAX_ACCESS_TOKEN_TTL_SECONDS = 900;

export const configSchema = Type.Object({
  ...baseConfigProperties,
  PORT: Type.Integer({ minimum: 0, maximum: 65_535, default: 8081 }),
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
  /** Generated signing keys live in DATA_DIR/auth/keys when no key file is configured. */
  DATA_DIR: Type.String({ minLength: 1, default: '.data' }),
  JWT_ISSUER: Type.String({ pattern: '^https?://', default: 'http://localhost:8081' }),
  JWT_AUDIENCE: Type.String({ minLength: 1, default: 'platform-api' }),
  ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 1, maximum: MAX_ACCESS_TOKEN_TTL_SECONDS, default: 900 }),
  REFRESH_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 90 * 24 * 3600, default: 14 * 24 * 3600 }),
  /** PEM private key (EC P-256 for ES256, or RSA >= 2048 bits for RS256), e.g. a mounted Kubernetes Secret. */
  JWT_SIGNING_KEY_FILE: Type.Optional(Type.String({ minLength: 1 })),
  /** PEM key (private or public) of the key signed with before the last rotation; listed in the JWKS only. */
  JWT_PREVIOUS_KEY_FILE: Type.Optional(Type.String({ minLength: 1 })),
  LOGIN_MAX_FAILURES: Type.Integer({ minimum: 1, maximum: 1_000, default: 5 }),
  /** Per client address; higher than per email because many users can share one address (NAT, offices). */
  LOGIN_MAX_FAILURES_PER_IP: Type.Integer({ minimum: 1, maximum: 100_000, default: 20 }),
  LOGIN_LOCKOUT_SECONDS: Type.Integer({ minimum: 1, maximum: 24 * 3600, default: 60 }),
  /** Failures older than this no longer count towards a lockout. */
  LOGIN_FAILURE_WINDOW_SECONDS: Type.Integer({ minimum: 1, maximum: 7 * 24 * 3600, default: 900 }),
  /** Proxies in front that append X-Forwarded-For (the gateway): 1 in the platform, 0 if clients reach auth directly. */
  TRUST_PROXY_HOPS: Type.Integer({ minimum: 0, maximum: 10, default: 1 }),
  /**
   * The OAuth clients of POST /oauth/token (the platform's services), a JSON array of
   * `{client_id, client_secret_sha256, audiences}`; usually OAUTH_CLIENTS_FILE. Unset: no client gets a token.
   */
  OAUTH_CLIENTS: Type.Optional(Type.String({ minLength: 1 })),
  /** Lifetime of a service token from POST /oauth/token. */
  CLIENT_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 30, maximum: MAX_ACCESS_TOKEN_TTL_SECONDS, default: 300 }),
});

export type Config = Static<typeof configSchema>;

export const readConfig = (): Config => loadConfigOrExit('auth', configSchema, process.env);

/** The part of the config the key rotation CLI needs. */
export const rotateKeysConfigSchema = Type.Object({
  DATA_DIR: configSchema.properties.DATA_DIR,
  JWT_SIGNING_KEY_FILE: configSchema.properties.JWT_SIGNING_KEY_FILE,
});

export type RotateKeysConfig = Static<typeof rotateKeysConfigSchema>;

/**
 * Config for `npm run rotate-keys -w @platform/auth`. npm runs the script inside services/auth, so a relative
 * DATA_DIR is resolved against the directory npm was started from (INIT_CWD), as the service resolves it against
 * its own working directory: from the repo root, both mean <repo>/.data.
 */
export function readRotateKeysConfig(): RotateKeysConfig {
  const config = loadConfigOrExit('auth rotate-keys', rotateKeysConfigSchema, process.env);
  const base = process.env.INIT_CWD ?? process.cwd();
  return { ...config, DATA_DIR: isAbsolute(config.DATA_DIR) ? config.DATA_DIR : resolve(base, config.DATA_DIR) };
}
