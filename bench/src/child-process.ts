// Runs a helper of the benchmark (bare server, OTLP receiver, embedded platform) as a child process and waits for
// the one JSON line it prints once it serves, so none of them shares the load generator's event loop.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface Helper<T> {
  process: ChildProcess;
  /** What the helper printed on its first line. */
  announced: T;
  /** SIGTERM and wait for the exit (SIGKILL after the deadline). */
  stop(deadlineMs?: number): Promise<void>;
}

export async function startHelper<T>(
  script: string,
  args: string[],
  options: { env?: Record<string, string | undefined>; timeoutMs?: number; onLine?: (line: string) => void } = {},
): Promise<Helper<T>> {
  const child = spawn(process.execPath, ['--enable-source-maps', script, ...args], {
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderr.push(line);
    if (stderr.length > 50) stderr.shift();
    options.onLine?.(line);
  });
  const lines = createInterface({ input: child.stdout! });
  const announced = await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not start within ${options.timeoutMs ?? 120_000} ms\n${stderr.join('\n')}`));
    }, options.timeoutMs ?? 120_000);
    let first = true;
    lines.on('line', (line) => {
      if (first && line.startsWith('{')) {
        first = false;
        clearTimeout(timer);
        resolve(JSON.parse(line) as T);
      } else {
        options.onLine?.(line);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before it served\n${stderr.join('\n')}`));
    });
  });
  return {
    process: child,
    announced,
    async stop(deadlineMs = 20_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
