// The orders service's environment, validated once at start: the only module that reads process.env.
import { baseConfigProperties, loadConfigOrExit } from '@platform/service-kit/config';
import Type, { type Static } from 'typebox';

const port = (fallback: number) => Type.Integer({ minimum: 0, maximum: 65_535, default: fallback });

export const configSchema = Type.Object({
  ...baseConfigProperties,
  GRPC_PORT: port(50052),
  OPS_PORT: port(9102),
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
  CATALOG_ADDR: Type.String({ minLength: 1, default: '127.0.0.1:50051' }),
  JWKS_URL: Type.String({ pattern: '^https?://', default: 'http://127.0.0.1:8081/.well-known/jwks.json' }),
  JWT_ISSUER: Type.String({ minLength: 1, default: 'http://localhost:8081' }),
  JWT_AUDIENCE: Type.String({ minLength: 1, default: 'platform-api' }),
  // each call to catalog must fit inside the gateway's own 2000 ms deadline for the whole request
  GRPC_DEADLINE_MS: Type.Integer({ minimum: 10, maximum: 60_000, default: 1_000 }),
});

export type Config = Static<typeof configSchema>;

export const readConfig = (): Config => loadConfigOrExit('orders', configSchema, process.env);
