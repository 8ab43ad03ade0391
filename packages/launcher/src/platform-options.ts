// What `npm start` and `npm run dev` ask of startPlatform, from the launcher's config: one place, so the two commands
// cannot run different platforms.
import type { loadConfig } from './config.js';
import type { StartPlatformOptions } from './platform.js';
import { prettyLogLines } from './pretty-log-lines.js';
import { offsetPorts, SERVICES } from './services.js';

export function platformOptions(
  config: ReturnType<typeof loadConfig>,
  { tty, signal }: { tty: boolean; signal: AbortSignal },
): StartPlatformOptions {
  return {
    env: config.environment,
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    embeddedPostgresPort: config.embeddedPostgresPort,
    ports: offsetPorts(config.portOffset),
    gatewayHost: config.gatewayHost,
    stopTimeoutMs: config.stopTimeoutMs,
    // --with-load: every service of the table, the optional load generator included
    ...(config.withLoad ? { services: SERVICES.map((s) => s.name) } : {}),
    color: tty && config.colorAllowed,
    ...(tty ? { formatLine: prettyLogLines(config.colorAllowed) } : {}),
    signal,
  };
}
