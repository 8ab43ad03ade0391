// The shop a browser test talks to: the platform started by the launcher (gateway, auth, catalog, orders as real
// processes) plus the storefront, or, with E2E_STOREFRONT_URL set, a shop that is already running (docker compose,
// a cluster's ingress), with its gateway at E2E_BASE_URL.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  offsetPorts,
  type Platform,
  type PlatformPorts,
  type ServiceDefinition,
  servicesFor,
  startPlatform,
} from '@platform/launcher';
import { openTestDatabase } from '@platform/test-databases';
import { PORT_OFFSET } from '../test-platform.js';

/** The contract's storefront port (CONTRACT.md), moved like every other port of a test platform. */
export const STOREFRONT_PORT = 8082;

export interface Shop {
  /** e.g. http://127.0.0.1:18082 */
  readonly storefrontUrl: string;
  /** The public API the storefront calls, for a test's own side actions (another buyer, a product's stock). */
  readonly gatewayUrl: string;
  /** The platform's processes when this suite started them; undefined against a running shop. */
  readonly platform: (Platform & { readonly logs: string[] }) | undefined;
  close(): Promise<void>;
}

export interface ShopOptions {
  /** Added to the environment every service inherits (e.g. auth's ACCESS_TOKEN_TTL_SECONDS). */
  env?: Record<string, string>;
  /** More storefront replicas, each a process on its own port; reach them with replicaUrl(shop, n). */
  extraReplicas?: number;
}

/** The running shop named by E2E_STOREFRONT_URL, if any. */
export function remoteShopUrls(): { storefrontUrl: string; gatewayUrl: string } | undefined {
  const storefrontUrl = process.env.E2E_STOREFRONT_URL;
  if (!storefrontUrl) return undefined;
  const gatewayUrl = process.env.E2E_BASE_URL;
  if (!gatewayUrl) throw new Error('E2E_BASE_URL (the gateway) is required with E2E_STOREFRONT_URL');
  return { storefrontUrl: storefrontUrl.replace(/\/$/, ''), gatewayUrl: gatewayUrl.replace(/\/$/, '') };
}

/** The launcher's row for a storefront replica (replica 0 is `storefront`, the others `storefront-<n>`). */
export function storefrontDefinition(ports: PlatformPorts, replica = 0): ServiceDefinition {
  const port = storefrontPort(ports, replica);
  return {
    name: replica === 0 ? 'storefront' : `storefront-${replica}`,
    entry: 'services/storefront/dist/main.js',
    readyUrl: `http://127.0.0.1:${port}/readyz`,
    usesDatabase: true,
    env: { PORT: String(port), GATEWAY_URL: `http://127.0.0.1:${ports.gateway}` },
  };
}

export const storefrontPort = (ports: PlatformPorts, replica = 0) =>
  STOREFRONT_PORT + (ports.gateway - 8080) + replica * 10;

export async function startShop({ env = {}, extraReplicas = 0 }: ShopOptions = {}): Promise<Shop> {
  const remote = remoteShopUrls();
  if (remote) return { ...remote, platform: undefined, close: async () => {} };

  const ports = offsetPorts(PORT_OFFSET);
  const replicas = Array.from({ length: extraReplicas + 1 }, (_, n) => storefrontDefinition(ports, n));
  const dataDir = await mkdtemp(join(tmpdir(), 'platform-shop-'));
  // as root the embedded PostgreSQL runs as user postgres, which must be able to enter it (mkdtemp makes it 0700)
  await chmod(dataDir, 0o755);
  // a real PostgreSQL when CI provides one (sessions, orders and stock under concurrency), else the embedded one
  const external = process.env.TEST_DATABASE_URL ? await openTestDatabase('postgres') : undefined;
  const logs: string[] = [];
  try {
    const platform = await startPlatform({
      env: { ...process.env, LOG_LEVEL: 'info', RATE_LIMIT_MAX: '100000', ...env },
      dataDir,
      databaseUrl: external?.url,
      logSink: (line) => logs.push(line),
      readyTimeoutMs: 90_000,
      ports,
      table: [...servicesFor(ports), ...replicas],
    });
    return {
      storefrontUrl: `http://127.0.0.1:${storefrontPort(ports)}`,
      gatewayUrl: platform.gatewayUrl,
      platform: Object.assign(platform, { logs }),
      async close() {
        await platform.stop();
        await external?.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await external?.close();
    await rm(dataDir, { recursive: true, force: true });
    if (logs.length > 0) process.stderr.write(`${logs.slice(-40).join('\n')}\n`);
    throw error;
  }
}

/** The address of storefront replica n of a shop this suite started. */
export function replicaUrl(shop: Shop, replica: number): string {
  const url = new URL(shop.storefrontUrl);
  url.port = String(Number(url.port) + replica * 10);
  return url.origin;
}
