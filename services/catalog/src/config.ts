// The catalog service's configuration: the only module that reads process.env. Validated once at start; a bad or
// missing value stops the process with a message naming the variable.
import { baseConfigProperties, loadConfigOrExit, portProperty, publicUrlProperty } from '@platform/service-kit/config';
import Type, { type Static } from 'typebox';

export const configSchema = Type.Object({
  ...baseConfigProperties,
  GRPC_PORT: portProperty(50051),
  /** /healthz, /readyz and /metrics; kept off the gRPC port so probes and scrapers need no gRPC. */
  OPS_PORT: portProperty(9101),
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
  /** Inserts the demo products on start when they are missing; never touches existing rows. */
  SEED_DEMO_DATA: Type.Boolean({ default: true }),
  /** Where the auth service publishes the keys its tokens are signed with. */
  JWKS_URL: Type.String({ pattern: '^https?://', default: 'http://127.0.0.1:8081/.well-known/jwks.json' }),
  /** The platform's public address (the gateway as clients reach it): the `iss` every token must name. */
  PUBLIC_URL: publicUrlProperty,
  /** `aud` of the service tokens the stock RPCs accept (the auth service's client-credentials grant). */
  SERVICE_TOKEN_AUDIENCE: Type.String({ minLength: 1, default: 'catalog' }),
  /** OAuth clients allowed to reserve, confirm and release stock, comma-separated. */
  STOCK_CLIENTS: Type.String({ pattern: '^[A-Za-z0-9._-]+(,[A-Za-z0-9._-]+)*$', default: 'orders' }),
  /** How long ReserveStock holds stock for a ConfirmStock; an unconfirmed hold then expires and its stock is back. */
  STOCK_HOLD_TTL_MS: Type.Integer({ minimum: 100, maximum: 3_600_000, default: 30_000 }),
  /** How often expired holds are looked for and released (by one replica at a time per hold). */
  STOCK_HOLD_SWEEP_INTERVAL_MS: Type.Integer({ minimum: 50, maximum: 600_000, default: 5_000 }),
  /**
   * Serves product reads from memory, kept coherent by the catalog's own writes and PostgreSQL LISTEN/NOTIFY;
   * `false` reads the database on every request (the benchmark's uncached path).
   */
  PRODUCT_CACHE: Type.Boolean({ default: true }),
  /**
   * The most time between two messages of a WatchProducts stream: a reader that hears nothing for two of these
   * drops its copy, so this bounds how long a silently lost stream can leave one stale.
   */
  WATCH_HEARTBEAT_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 2_000 }),
});

export type Config = Static<typeof configSchema>;

export const readConfig = (): Config => loadConfigOrExit('catalog', configSchema, process.env);
