// `npm run dev`: the platform as `npm start` runs it (same supervisor, same database), plus the inner loop: an edit
// under a service's or a shared package's src/ is rebuilt and the services running that code restart on their own.
// Ctrl-C stops it like `npm start`.
import { loadConfig } from './config.js';
import { startDevLoop } from './dev-loop.js';
import { type Platform, startPlatform } from './platform.js';
import { platformOptions } from './platform-options.js';
import { repoRoot } from './repo-root.js';
import { SERVICES } from './services.js';
import { transpilingBuild } from './transpile-build.js';
import { turboBuild } from './workspace-build.js';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(process.env, process.cwd(), process.argv.slice(2));
} catch (error) {
  process.stderr.write(`launcher: ${(error as Error).message}\n`);
  process.exit(1);
}

const tty = Boolean(process.stdout.isTTY);
const say = (prefix: string) => (message: string) => process.stdout.write(`${prefix.padEnd(8)} | ${message}\n`);
const startup = new AbortController();
let platform: Platform | undefined;
let devLoop: { close(): void } | undefined;
let signals = 0;
const onSignal = (signal: NodeJS.Signals) => {
  signals += 1;
  devLoop?.close();
  if (signals > 1) {
    (platform?.stop({ force: true }) ?? Promise.resolve()).finally(() => process.exit(130));
    return;
  }
  if (!platform) {
    startup.abort(new Error(`${signal} during start-up`));
    return;
  }
  platform.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);

try {
  // tsc's modules rather than the bundles: an edit is transpiled file by file and never bundled
  platform = await startPlatform({ ...platformOptions(config, { tty: tty, signal: startup.signal }), modules: true });
} catch (error) {
  if (startup.signal.aborted) process.exit(0);
  process.stderr.write(`launcher: could not start the platform: ${(error as Error).message}\n`);
  process.exit(1);
}

devLoop = startDevLoop({
  repoRoot,
  platform,
  services: SERVICES,
  build: transpilingBuild(repoRoot, say('build'), turboBuild(repoRoot, say('build'))),
  log: say('dev'),
});
