// Which peers may tell a server who the client is (X-Forwarded-For): named by address, never by hop count, so a
// client that reaches a server directly cannot pick its own address by sending the header itself.
import proxyAddr from '@fastify/proxy-addr';
import { ConfigError } from './config.js';

/**
 * Parses a comma-separated list of proxy addresses in proxy-addr's syntax (IPs, CIDR ranges, and the names
 * `loopback`, `linklocal`, `uniquelocal`) for createHttpServer's `trustProxy`. Unset or empty: trust nobody.
 * Throws ConfigError naming `variable` for an entry that is not an address.
 */
export function trustedProxies(value: string | undefined, variable: string): string[] | false {
  const entries = (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) return false;
  for (const entry of entries) {
    try {
      proxyAddr.compile(entry);
    } catch (error) {
      throw new ConfigError([
        `${variable} has an entry that is not an address or range: ${entry} (${(error as Error).message})`,
      ]);
    }
  }
  return entries;
}
