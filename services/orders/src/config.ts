// The orders service's environment, validated once at start: the only module that reads process.env.
import { baseConfigProperties, loadConfigOrExit, portProperty, publicUrlProperty } from '@platform/service-kit/config';
import Type, { type Static } from 'typebox';

export const configSchema = Type.Object({
  ...baseConfigProperties,
  GRPC_PORT: portProperty(50052),
  OPS_PORT: portProperty(9102),
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
  CATALOG_ADDR: Type.String({ minLength: 1, default: '127.0.0.1:50051' }),
  JWKS_URL: Type.String({ pattern: '^https?://', default: 'http://127.0.0.1:8081/.well-known/jwks.json' }),
  /** The platform's public address (the gateway as clients reach it): the `iss` every token must name. */
  PUBLIC_URL: publicUrlProperty,
  JWT_AUDIENCE: Type.String({ minLength: 1, default: 'platform-api' }),
  // each call to catalog must fit inside the gateway's own 2000 ms deadline for the whole request
  GRPC_DEADLINE_MS: Type.Integer({ minimum: 10, maximum: 60_000, default: 1_000 }),
  /** The auth service's token endpoint: orders calls the catalog with its own client-credentials token. */
  OAUTH_TOKEN_URL: Type.String({ pattern: '^https?://', default: 'http://127.0.0.1:8081/oauth/token' }),
  OAUTH_CLIENT_ID: Type.String({ minLength: 1, default: 'orders' }),
  /** This service's client secret at the auth service; usually OAUTH_CLIENT_SECRET_FILE. */
  OAUTH_CLIENT_SECRET: Type.String({ minLength: 1 }),
  /**
   * How long a placement, cancel or undo owns its order; once it has run out, the recovery loop settles the order.
   * Longer than a healthy placement takes (two catalog calls of GRPC_DEADLINE_MS and a few database statements).
   */
  PLACEMENT_LEASE_MS: Type.Integer({ minimum: 100, maximum: 600_000, default: 10_000 }),
  /** How often the recovery loop looks for orders whose lease ran out. */
  RECOVERY_INTERVAL_MS: Type.Integer({ minimum: 50, maximum: 600_000, default: 5_000 }),
});

export type Config = Static<typeof configSchema>;

export const readConfig = (): Config => loadConfigOrExit('orders', configSchema, process.env);
