// The gateway's configuration: the only module that reads process.env. Validated once at start; a bad value stops
// the process with a message naming the variable.
import {
  baseConfigProperties,
  configOrExit,
  loadConfig,
  portProperty,
  publicUrlProperty,
} from '@platform/service-kit/config';
import { trustedProxies } from '@platform/service-kit/trusted-proxies';
import { type AddressVariable, type GrpcCalleeOf, grpcCallees } from '@platform/topology';
import Type, { type Static, type TString } from 'typebox';

const grpcAddress = (fallback: string) => Type.String({ default: fallback, pattern: '^[^\\s/]+:\\d{1,5}$' });

/** The variables of the gRPC services the gateway calls, as the platform's list of services names them. */
export type DownstreamAddressVariable = AddressVariable<GrpcCalleeOf<'gateway'>>;

/**
 * `<NAME>_ADDR` (host:port) for every gRPC service the gateway calls in the platform's list (CATALOG_ADDR,
 * ORDERS_ADDR, and those `npm run new:service` adds), defaulting to its contract port on loopback.
 */
const downstreamAddresses = Object.fromEntries(
  grpcCallees('gateway').map(({ service, variable }) => [variable, grpcAddress(`127.0.0.1:${service.ports.grpc}`)]),
) as Record<DownstreamAddressVariable, TString>;
const ORIGIN_LIST = '^\\s*https?://[^\\s,/]+(\\s*,\\s*https?://[^\\s,/]+)*\\s*$';

export const configSchema = Type.Object({
  ...baseConfigProperties,
  PORT: portProperty(8080),
  /** Base URL of the auth service; /api/auth/* and /.well-known/* are forwarded there. */
  AUTH_URL: Type.String({ default: 'http://127.0.0.1:8081', pattern: '^https?://[^\\s]+$' }),
  /** Deadline of one forwarded auth request (connect to last byte of the answer's head). */
  AUTH_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 5_000 }),
  ...downstreamAddresses,
  /** Defaults to `${AUTH_URL}/.well-known/jwks.json`. */
  JWKS_URL: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$' })),
  /**
   * The platform's public address, this gateway as clients reach it: the issuer every token must name (auth signs
   * with the same PUBLIC_URL) and the server of the OpenAPI document.
   */
  PUBLIC_URL: publicUrlProperty,
  JWT_AUDIENCE: Type.String({ default: 'platform-api', minLength: 1 }),
  /** Deadline of every gRPC call to catalog and orders. */
  GRPC_DEADLINE_MS: Type.Integer({ minimum: 1, maximum: 60_000, default: 2_000 }),
  /**
   * Keeps a copy of the product list, current while catalog's WatchProducts says so (product-list-copy.ts);
   * `false` asks catalog on every read.
   */
  PRODUCT_LIST_COPY: Type.Boolean({ default: true }),
  /** Requests one client (IP address) may make per window; 0 turns the limit off (e.g. for benchmarks). */
  RATE_LIMIT_MAX: Type.Integer({ minimum: 0, default: 600 }),
  RATE_LIMIT_WINDOW_MS: Type.Integer({ minimum: 1_000, maximum: 3_600_000, default: 60_000 }),
  /** Comma-separated origins allowed by CORS, e.g. `https://shop.example.com`; empty means CORS stays off. */
  CORS_ORIGINS: Type.Optional(Type.String({ pattern: ORIGIN_LIST })),
  /**
   * Login and registration requests one client may make per window: stricter than RATE_LIMIT_MAX, since each costs
   * a password hash in auth. 0 turns it off.
   */
  CREDENTIALS_RATE_LIMIT_MAX: Type.Integer({ minimum: 0, default: 60 }),
  CREDENTIALS_RATE_LIMIT_WINDOW_MS: Type.Integer({ minimum: 1_000, maximum: 3_600_000, default: 60_000 }),
  /**
   * Addresses of the proxies in front (an ingress, a load balancer) whose X-Forwarded-For is believed, in
   * proxy-addr syntax (IPs, CIDRs, `loopback`, `uniquelocal`; comma-separated). Unset: none, every client is the
   * peer's address. Behind a proxy, set it, or every client shares the proxy's rate limits.
   */
  TRUSTED_PROXIES: Type.Optional(Type.String({ pattern: '^[\\w.:/, -]+$' })),
  /** How long /readyz reuses the outcome of its JWKS check, so a flood of probes cannot become a flood on auth. */
  READINESS_CACHE_MS: Type.Integer({ minimum: 0, maximum: 60_000, default: 5_000 }),
});

export type Config = Omit<Static<typeof configSchema>, 'JWKS_URL'> & { JWKS_URL: string };

/** The config from an environment, with derived defaults filled in; throws ConfigError naming bad variables. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const config = loadConfig(configSchema, env);
  trustedProxies(config.TRUSTED_PROXIES, 'TRUSTED_PROXIES');
  return withDerivedDefaults(config);
}

/** For main.ts: the config from process.env, or exit 1 with a message naming every bad variable. */
export const readConfig = (): Config => configOrExit('gateway', () => parseConfig(process.env));

/** The address of a gRPC service the gateway calls (its `<NAME>_ADDR`). */
export function downstreamAddress(config: Config, service: GrpcCalleeOf<'gateway'> | string): string {
  const variable = grpcCallees('gateway').find((callee) => callee.service.name === service)?.variable;
  const address = variable && (config as unknown as Record<string, unknown>)[variable];
  if (typeof address !== 'string') throw new Error(`the gateway calls no gRPC service ${service} in the list`);
  return address;
}

/** The CORS origins as a list; empty when CORS is off. */
export function corsOrigins(config: Pick<Config, 'CORS_ORIGINS'>): string[] {
  return (config.CORS_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
}

function withDerivedDefaults(loaded: Static<typeof configSchema>): Config {
  const authUrl = loaded.AUTH_URL.replace(/\/+$/, '');
  return { ...loaded, AUTH_URL: authUrl, JWKS_URL: loaded.JWKS_URL ?? `${authUrl}/.well-known/jwks.json` };
}
