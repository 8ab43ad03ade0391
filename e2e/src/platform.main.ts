// The platform in a process of its own, started by the launcher as `npm start` starts it, so a test can kill the
// launcher itself. Prints one JSON line (the gateway's URL and every supervised pid) once ready, then runs until
// killed.
// usage: node --import tsx src/platform.main.ts '<json: { dataDir, portOffset }>'
import { offsetPorts, startPlatform } from '@platform/launcher';

const { dataDir, portOffset } = JSON.parse(process.argv[2] ?? '{}') as { dataDir: string; portOffset: number };
const platform = await startPlatform({
  env: { ...process.env, LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '100000' },
  dataDir,
  ports: offsetPorts(portOffset),
  readyTimeoutMs: 90_000,
  logSink: (line) => process.stderr.write(`${line}\n`),
});
const names = ['postgres', 'auth', 'catalog', 'orders', 'gateway'];
const pids = Object.fromEntries(names.map((name) => [name, platform.pid(name)]));
process.stdout.write(`${JSON.stringify({ gatewayUrl: platform.gatewayUrl, pids })}\n`);
