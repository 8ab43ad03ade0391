// Builds the auth service from its config: storage, key ring, domain and routes on service-kit's HTTP server.
// Importing this module starts nothing; main.ts listens, tests build it as they need.
import {
  createHttpServer,
  createMetrics,
  createPool,
  type HttpServer,
  type Logger,
  type Metrics,
  migrate,
  type Pool,
  pingDatabase,
  Readiness,
} from '@platform/service-kit';
import { authRoutes } from './auth.routes.js';
import { createAuthService } from './auth.service.js';
import { createClientRegistry } from './client-registry.js';
import { createClientTokens } from './client-tokens.js';
import type { Config } from './config.js';
import { createLoginFailuresRepository } from './login-failures.repository.js';
import { createLoginThrottle } from './login-throttle.js';
import { migrations, SCHEMA } from './migrations.js';
import { oauthTokenRoutes } from './oauth-token.routes.js';
import { createPasswordHasher, type ScryptParameters } from './passwords.js';
import { createRefreshTokensRepository } from './refresh-tokens.repository.js';
import { type KeyRing, loadKeyRing } from './signing-keys.js';
import { createTokens } from './tokens.js';
import { createUsersRepository } from './users.repository.js';
import { wellKnownRoutes } from './well-known.routes.js';

export interface AppDependencies {
  logger: Logger;
  /** A pool the caller owns (tests share one); when absent the app opens one from DATABASE_URL and closes it. */
  pool?: Pool;
  metrics?: Metrics;
  /** Cheaper hashing for tests; production always uses the default. */
  scrypt?: ScryptParameters;
}

export type AuthApp = HttpServer & { readonly readiness: Readiness; readonly keys: KeyRing };

export async function buildApp(config: Config, dependencies: AppDependencies): Promise<AuthApp> {
  const { logger } = dependencies;
  // before anything is opened: a bad registry stops the start, naming OAUTH_CLIENTS
  const clients = createClientRegistry(config.OAUTH_CLIENTS);
  const keys = await loadKeyRing({
    dataDir: config.DATA_DIR,
    signingKeyFile: config.JWT_SIGNING_KEY_FILE,
    previousKeyFile: config.JWT_PREVIOUS_KEY_FILE,
  });
  logger.info({ current: keys.current.kid, previous: keys.previous?.kid }, 'signing keys loaded');

  const ownsPool = dependencies.pool === undefined;
  const pool = dependencies.pool ?? createPool({ connectionString: config.DATABASE_URL, applicationName: 'auth' });
  try {
    await migrate(pool, { schema: SCHEMA, migrations, logger });
  } catch (error) {
    if (ownsPool) await pool.end();
    throw error;
  }

  const service = createAuthService({
    users: createUsersRepository(pool),
    refreshTokens: createRefreshTokensRepository(pool),
    throttle: createLoginThrottle(createLoginFailuresRepository(pool), {
      maxFailuresPerEmail: config.LOGIN_MAX_FAILURES,
      maxFailuresPerIp: config.LOGIN_MAX_FAILURES_PER_IP,
      lockoutSeconds: config.LOGIN_LOCKOUT_SECONDS,
      windowSeconds: config.LOGIN_FAILURE_WINDOW_SECONDS,
    }),
    passwords: createPasswordHasher(dependencies.scrypt),
    tokens: createTokens(keys, {
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    }),
    logger,
    accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
  });

  const readiness = new Readiness().add('database', () => pingDatabase(pool));
  const app = createHttpServer({
    logger,
    metrics: dependencies.metrics ?? createMetrics('auth'),
    readiness,
    // the address TRUST_PROXY_HOPS hops back in X-Forwarded-For is the client; anything before it is the client's say
    trustProxy: (_address, hop) => hop < config.TRUST_PROXY_HOPS,
  });
  if (ownsPool) app.addHook('onClose', () => pool.end());
  await app.register(authRoutes, { service });
  await app.register(wellKnownRoutes, { keys, issuer: config.JWT_ISSUER });
  await app.register(oauthTokenRoutes, {
    clients,
    tokens: createClientTokens(keys, { issuer: config.JWT_ISSUER, ttlSeconds: config.CLIENT_TOKEN_TTL_SECONDS }),
  });

  return Object.assign(app, { readiness, keys });
}
