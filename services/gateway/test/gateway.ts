// Builds the gateway for a test from an environment, as main.ts would (minus the listener), pointed at the test's
// stand-ins and token issuer.
import { createLogger } from '@platform/service-kit';
import { buildApp, type GatewayApp } from '../src/app.js';
import { parseConfig } from '../src/config.js';

export interface TestDownstreams {
  authUrl: string;
  catalogAddress: string;
  ordersAddress: string;
  jwksUrl: string;
}

export function buildTestGateway(
  downstreams: TestDownstreams,
  env: Record<string, string | undefined> = {},
): Promise<GatewayApp> {
  const config = parseConfig({
    AUTH_URL: downstreams.authUrl,
    CATALOG_ADDR: downstreams.catalogAddress,
    ORDERS_ADDR: downstreams.ordersAddress,
    JWKS_URL: downstreams.jwksUrl,
    GRPC_DEADLINE_MS: '1000',
    AUTH_TIMEOUT_MS: '500',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
  return buildApp(config, { logger: createLogger({ service: 'gateway', level: config.LOG_LEVEL }) });
}
