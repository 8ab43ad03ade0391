// Time from process start to ready for one service: spawn `node services/<name>/dist/main.js` as the launcher does,
// poll its /readyz every 10 ms, stop it with SIGTERM. Its dependencies are those of an already running platform.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { residentMiB } from './process-memory.js';

export interface StartupSample {
  readyMs: number;
  /** Resident memory right after it turned ready. */
  residentMiB: number;
}

export async function measureStartup(options: {
  repoRoot: string;
  entry: string;
  env: Record<string, string | undefined>;
  readyUrl: string;
  timeoutMs?: number;
}): Promise<StartupSample> {
  const started = performance.now();
  // as the images start it (node dist/main.js): no source-map support
  const child = spawn(process.execPath, [resolve(options.repoRoot, options.entry)], {
    cwd: options.repoRoot,
    env: options.env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2_000);
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  try {
    const deadline = started + (options.timeoutMs ?? 30_000);
    while (performance.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`${options.entry} exited with ${child.exitCode}: ${stderr}`);
      const ok = await fetch(options.readyUrl, { signal: AbortSignal.timeout(1_000) }).then(
        (response) => response.status === 200,
        () => false,
      );
      if (ok) return { readyMs: performance.now() - started, residentMiB: residentMiB(child.pid) };
      await sleep(10);
    }
    throw new Error(`${options.entry} not ready at ${options.readyUrl} within ${options.timeoutMs ?? 30_000} ms`);
  } finally {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}
