// Builds and starts the orders app on free loopback ports for a test, with a real gRPC client to it.
import { type CallOptions, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import type { TestIssuer } from '@platform/auth-kit/testing';
import { ordersV1 } from '@platform/contracts';
import { createLogger } from '@platform/service-kit';
import { type AppConfig, buildApp, type OrdersApp } from '../src/app.js';
import type { TokenEndpoint } from './token-endpoint.js';

export interface RunningOrders {
  app: OrdersApp;
  client: ordersV1.OrdersServiceClient;
  grpcAddress: string;
  opsUrl: string;
  close(): Promise<void>;
}

export interface OrdersDependencies {
  databaseUrl: string;
  catalogAddress: string;
  /** Signs users' access tokens (and, through the token endpoint, the service's own). */
  issuer: TestIssuer;
  tokenEndpoint: TokenEndpoint;
}

export async function startOrders(
  { databaseUrl, catalogAddress, issuer, tokenEndpoint }: OrdersDependencies,
  overrides: Partial<AppConfig> = {},
): Promise<RunningOrders> {
  const config: AppConfig = {
    HOST: '127.0.0.1',
    GRPC_PORT: 0,
    OPS_PORT: 0,
    DATABASE_URL: databaseUrl,
    CATALOG_ADDR: catalogAddress,
    JWKS_URL: issuer.jwksUrl,
    PUBLIC_URL: issuer.issuer,
    JWT_AUDIENCE: issuer.audience,
    GRPC_DEADLINE_MS: 1_000,
    OAUTH_TOKEN_URL: tokenEndpoint.url,
    OAUTH_CLIENT_ID: tokenEndpoint.clientId,
    OAUTH_CLIENT_SECRET: tokenEndpoint.clientSecret,
    PLACEMENT_LEASE_MS: 10_000,
    // the tests that need recovery run it themselves (app.service.recover()) or shorten this
    RECOVERY_INTERVAL_MS: 600_000,
    SHUTDOWN_TIMEOUT_MS: 2_000,
    ...overrides,
  };
  const app = await buildApp(config, {
    logger: createLogger({ service: 'orders', level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
  });
  const ports = await app.listen();
  const grpcAddress = `127.0.0.1:${ports.grpc}`;
  const client = new ordersV1.OrdersServiceClient(grpcAddress, credentials.createInsecure());
  return {
    app,
    client,
    grpcAddress,
    opsUrl: `http://127.0.0.1:${ports.http}`,
    async close() {
      client.close();
      await app.close();
    },
  };
}

// the last overload of a generated unary method, the one TypeScript infers from
type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Res) => void,
) => unknown;

/** Calls a generated unary method with `authorization: Bearer <token>` (none when token is undefined). */
export function rpc<Req, Res>(
  client: ordersV1.OrdersServiceClient,
  method: UnaryMethod<Req, Res>,
  request: Req,
  token: string | undefined,
): Promise<Res> {
  const metadata = new Metadata();
  if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
  return new Promise((resolve, reject) => {
    method.call(client, request, metadata, {}, (error, response) => (error ? reject(error) : resolve(response)));
  });
}
