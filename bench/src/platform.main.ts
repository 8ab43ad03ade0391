// Runs one platform for the benchmark in its own process (so the launcher's log forwarding does not share the load
// generator's event loop): startPlatform with the options given as JSON, then prints what the benchmark needs on
// one line and runs until SIGTERM.
// usage: node platform.main.js '<json: { dataDir, ports, services?, databaseUrl?, modules? }>'
import { type PlatformPorts, startPlatform } from '@platform/launcher';

interface Options {
  dataDir: string;
  ports: PlatformPorts;
  services?: string[];
  databaseUrl?: string;
  /** tsc's modules instead of the bundles (the profile, so each frame names the package it belongs to). */
  modules?: boolean;
}

const options = JSON.parse(process.argv[2] ?? '{}') as Options;
const platform = await startPlatform({
  env: { ...process.env },
  dataDir: options.dataDir,
  ports: options.ports,
  ...(options.services ? { services: options.services } : {}),
  ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
  embeddedPostgresPort: 0,
  ...(options.modules ? { modules: true } : {}),
  // as the images run them: no source-map support, which costs every service start-up time and memory
  sourceMaps: false,
  readyTimeoutMs: 120_000,
  logSink: (line) => process.stderr.write(`${line}\n`),
});
const names = options.services ?? ['auth', 'catalog', 'orders', 'gateway'];
const pids = Object.fromEntries(names.map((name) => [name, platform.pid(name)]));
process.stdout.write(
  `${JSON.stringify({
    gatewayUrl: platform.gatewayUrl,
    databaseUrl: platform.databaseUrl,
    databaseUrls: platform.databaseUrls,
    pids,
    launcherPid: process.pid,
  })}\n`,
);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  platform.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
