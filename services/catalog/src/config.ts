// The catalog service's configuration: the only module that reads process.env. Validated once at start; a bad or
// missing value stops the process with a message naming the variable.
import { baseConfigProperties, loadConfigOrExit } from '@platform/service-kit/config';
import Type, { type Static } from 'typebox';

const port = (fallback: number) => Type.Integer({ minimum: 0, maximum: 65_535, default: fallback });

export const configSchema = Type.Object({
  ...baseConfigProperties,
  GRPC_PORT: port(50051),
  /** /healthz, /readyz and /metrics; kept off the gRPC port so probes and scrapers need no gRPC. */
  OPS_PORT: port(9101),
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
  /** Inserts the demo products on start when they are missing; never touches existing rows. */
  SEED_DEMO_DATA: Type.Boolean({ default: true }),
  JWKS_URL: Type.String({ pattern: '^https?://', default: 'http://127.0.0.1:8081/.well-known/jwks.json' }),
  JWT_ISSUER: Type.String({ pattern: '^https?://', default: 'http://localhost:8081' }),
  JWT_AUDIENCE: Type.String({ minLength: 1, default: 'platform-api' }),
});

export type Config = Static<typeof configSchema>;

export const readConfig = (): Config => loadConfigOrExit('catalog', configSchema, process.env);
