// `npm start`: the platform in the foreground until Ctrl-C or SIGTERM (graceful), a second one forces;
// `npm start -- --with-load` runs the load generator too.
import { loadConfig } from './config.js';
import { startPlatform } from './platform.js';
import { platformOptions } from './platform-options.js';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(process.env, process.cwd(), process.argv.slice(2));
} catch (error) {
  process.stderr.write(`launcher: ${(error as Error).message}\n`);
  process.exit(1);
}

const startup = new AbortController();
let platform: Awaited<ReturnType<typeof startPlatform>> | undefined;
let signals = 0;
const onSignal = (signal: NodeJS.Signals) => {
  signals += 1;
  if (signals > 1) {
    process.stderr.write(`launcher: ${signal} again, forcing\n`);
    (platform?.stop({ force: true }) ?? Promise.resolve()).finally(() => process.exit(130));
    return;
  }
  if (!platform) {
    startup.abort(new Error(`${signal} during start-up`));
    return;
  }
  platform.stop().then(
    () => process.exit(0),
    (error: Error) => {
      process.stderr.write(`launcher: stop failed: ${error.message}\n`);
      process.exit(1);
    },
  );
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);

try {
  platform = await startPlatform(
    platformOptions(config, { tty: Boolean(process.stdout.isTTY), signal: startup.signal }),
  );
} catch (error) {
  if (startup.signal.aborted) process.exit(0);
  const err = error as NodeJS.ErrnoException;
  const hint =
    err.code === 'EADDRINUSE'
      ? ` (port ${config.embeddedPostgresPort} is taken: another npm start? set EMBEDDED_POSTGRES_PORT)`
      : '';
  process.stderr.write(`launcher: could not start the platform: ${err.message}${hint}\n`);
  process.exit(1);
}
