// Builds the auth service from its config: storage, key ring, domain and routes on service-kit's HTTP server, as
// service-kit's ServiceApp. Importing this module starts nothing; main.ts runs it, tests build it as they need.

import { MAX_CLOCK_TOLERANCE_SECONDS } from '@platform/auth-kit';
import {
  createHttpServer,
  createMetrics,
  createMigratedPool,
  createReadiness,
  createServiceApp,
  type Logger,
  type Metrics,
  migrate,
  type Pool,
  pingDatabase,
  type ServiceApp,
  trustedProxies,
} from '@platform/service-kit';
import { createAuthMetrics } from './auth.metrics.js';
import { authRoutes } from './auth.routes.js';
import { createAuthService } from './auth.service.js';
import { createClientRegistry } from './client-registry.js';
import { createClientTokens } from './client-tokens.js';
import type { Config } from './config.js';
import { createLoginAttemptsRepository } from './login-attempts.repository.js';
import { createLoginReservations } from './login-reservations.js';
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

export interface AuthApp extends ServiceApp {
  /** The signing key ring in use (tests check a rotation with it). */
  readonly keys: KeyRing;
}

export async function buildApp(config: Config, dependencies: AppDependencies): Promise<AuthApp> {
  const { logger } = dependencies;
  // before anything is opened: a bad registry stops the start, naming OAUTH_CLIENTS
  const clients = createClientRegistry(config.OAUTH_CLIENTS);
  const trustProxy = trustedProxies(config.TRUSTED_PROXIES, 'TRUSTED_PROXIES');
  const keys = await loadKeyRing({
    keysDir: config.JWT_KEYS_DIR,
    dataDir: config.DATA_DIR,
    // a token signed just before the rotation lives ACCESS_TOKEN_TTL_SECONDS, and verifiers allow the skew on top
    previousPublishedSeconds: config.ACCESS_TOKEN_TTL_SECONDS + MAX_CLOCK_TOLERANCE_SECONDS,
  });
  logger.info(
    {
      current: keys.current.kid,
      next: keys.next.kid,
      previous: keys.previous?.key.kid,
      previousWithdrawnAt: keys.previous?.withdrawnAt,
    },
    'signing keys loaded',
  );
  const metrics = dependencies.metrics ?? createMetrics('auth');
  const passwords = createPasswordHasher(dependencies.scrypt, {
    concurrency: config.PASSWORD_HASH_CONCURRENCY,
    queueLimit: config.PASSWORD_HASH_QUEUE_LIMIT,
    maxWaitMs: config.PASSWORD_HASH_MAX_WAIT_MS,
  });
  const authMetrics = createAuthMetrics(metrics, passwords);

  const ownsPool = dependencies.pool === undefined;
  const pool =
    dependencies.pool ??
    (await createMigratedPool({
      connectionString: config.DATABASE_URL,
      applicationName: 'auth',
      schema: SCHEMA,
      migrations,
      logger,
    }));
  if (!ownsPool) await migrate(pool, { schema: SCHEMA, migrations, logger });

  const service = createAuthService({
    users: createUsersRepository(pool),
    refreshTokens: createRefreshTokensRepository(pool),
    logins: createLoginReservations(createLoginAttemptsRepository(pool), {
      maxFailuresPerAccount: config.LOGIN_MAX_FAILURES,
      maxFailuresPerAddress: config.LOGIN_MAX_FAILURES_PER_IP,
      lockoutSeconds: config.LOGIN_LOCKOUT_SECONDS,
      maxLockoutSeconds: config.LOGIN_LOCKOUT_MAX_SECONDS,
      windowSeconds: config.LOGIN_FAILURE_WINDOW_SECONDS,
    }),
    passwords,
    events: authMetrics,
    tokens: createTokens(keys, {
      issuer: config.PUBLIC_URL,
      audience: config.JWT_AUDIENCE,
      ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    }),
    logger,
    accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
    refreshFamilyMaxAgeSeconds: config.REFRESH_FAMILY_MAX_AGE_SECONDS,
  });

  const readiness = createReadiness().add('database', () => pingDatabase(pool));
  const app = createHttpServer({
    logger,
    metrics,
    readiness,
    // X-Forwarded-For is believed from these peers only (the gateway): anyone else's header is ignored
    trustProxy,
  });
  await app.register(authRoutes, { service });
  await app.register(wellKnownRoutes, { keys, issuer: config.PUBLIC_URL });
  await app.register(oauthTokenRoutes, {
    clients,
    tokens: createClientTokens(keys, { issuer: config.PUBLIC_URL, ttlSeconds: config.CLIENT_TOKEN_TTL_SECONDS }),
  });

  const serviceApp = createServiceApp({
    config,
    logger,
    readiness,
    http: { server: app, port: config.PORT },
    closers: ownsPool ? [{ name: 'database pool', close: () => pool.end() }] : [],
  });
  return { ...serviceApp, keys };
}
