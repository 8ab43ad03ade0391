// `npm run profile -w @platform/bench`: what a request of the read path costs each service in CPU, and where that
// CPU goes. Starts the platform (every service sampled by cpu-profile.preload.ts), loads BENCH_PROFILE_PATH on the
// gateway for BENCH_PROFILE_SECONDS, then prints per service its CPU ms per request (from /proc) and the top
// self-time frames of its profile, and keeps the .cpuprofile files (open them in Chrome DevTools).
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { offsetPorts } from '@platform/launcher';
import { startHelper } from './child-process.js';
import { loadProfileConfig } from './config.js';
import { type CpuProfile, summarizeProfile } from './cpu-profile.js';
import { runRound } from './load.js';
import { createFreshDatabase, startPostgresServer } from './postgres-server.js';
import { cpuMs } from './process-cpu.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const config = loadProfileConfig(process.env);
const log = (message: string) => process.stdout.write(`${message}\n`);
const stamp = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15);
const profileDir = resolve(here, '../results/profiles', stamp);
mkdirSync(profileDir, { recursive: true });
const scratch = mkdtempSync(join(tmpdir(), 'platform-profile-'));
// as root the PostgreSQL server runs as user postgres, which must be able to enter it (mkdtemp makes it 0700)
chmodSync(scratch, 0o755);
const cleanups: (() => Promise<void>)[] = [];

try {
  const server = await startPostgresServer(config.databaseUrl, config.pgPort, join(scratch, 'postgres-server'));
  cleanups.push(() => server.stop());
  const database = await createFreshDatabase(server.url, `profile_${stamp.replace('T', '_').toLowerCase()}`);
  cleanups.push(() => database.drop());

  const env: Record<string, string | undefined> = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('OTEL_') || key.startsWith('BENCH_') || key === 'DATABASE_URL') delete env[key];
  }
  const platform = await startHelper<{ gatewayUrl: string; pids: Record<string, number | undefined> }>(
    join(here, 'platform.main.js'),
    // tsc's modules rather than the bundles: the same code, but each profile frame names its package and file
    [
      JSON.stringify({
        ports: offsetPorts(config.portOffset),
        databaseUrl: database.url,
        dataDir: scratch,
        modules: true,
      }),
    ],
    {
      env: {
        ...env,
        DATABASE_URL: database.url,
        RATE_LIMIT_MAX: '0',
        CREDENTIALS_RATE_LIMIT_MAX: '0',
        LOG_LEVEL: 'warn',
        OTEL_SDK_DISABLED: 'true',
        ...config.serviceEnv,
        NODE_OPTIONS: `--import=${join(here, 'cpu-profile.preload.js')}`,
        BENCH_CPU_PROFILE_DIR: profileDir,
      },
      timeoutMs: 180_000,
    },
  );
  cleanups.push(() => platform.stop(30_000));
  const { gatewayUrl, pids } = platform.announced;
  const url = gatewayUrl + config.path;
  log(`profiling ${url} for ${config.durationSeconds} s, ${config.connections} connections`);
  await runRound({ url }, { connections: config.connections, durationSeconds: 2 });
  // the profiles start now, after start-up and warm-up (cpu-profile.preload.ts)
  for (const pid of Object.values(pids)) if (pid !== undefined) process.kill(pid, 'SIGUSR2');

  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid)]));
  const round = await runRound({ url }, { connections: config.connections, durationSeconds: config.durationSeconds });
  const after = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid)]));
  await cleanups.pop()!(); // the platform: its services write their profiles as they exit

  log(`${Math.round(round.rps)} req/s, ${round.requests} requests, ${round.failures} failures, p99 ${round.p99} ms`);
  for (const [name, pid] of Object.entries(pids)) {
    const perRequest = (after[name]! - before[name]!) / round.requests;
    log(`\n${name}: ${perRequest.toFixed(3)} ms CPU per request (/proc, during the measured load)`);
    try {
      const profile = JSON.parse(readFileSync(join(profileDir, `${pid}.cpuprofile`), 'utf8')) as CpuProfile;
      const summary = summarizeProfile(profile);
      log(`  profile: ${summary.busyMs.toFixed(0)} ms busy during the measured load and the stop`);
      log(
        `  by package: ${summary.byPackage
          .slice(0, 8)
          .map((entry) => `${entry.name} ${(entry.share * 100).toFixed(0)}%`)
          .join(', ')}`,
      );
      for (const frame of summary.top) {
        log(
          `  ${(frame.share * 100).toFixed(1).padStart(5)}%  ${frame.selfMs.toFixed(0).padStart(6)} ms  ${frame.frame}`,
        );
      }
    } catch (error) {
      log(`  no profile: ${(error as Error).message}`);
    }
  }
  log(`\nprofiles: ${profileDir}`);
} finally {
  while (cleanups.length > 0) await cleanups.pop()!().catch(() => {});
  rmSync(scratch, { recursive: true, force: true });
}
