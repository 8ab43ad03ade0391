// Keeps one child process running: restarts it with backoff when it exits on its own (that is how a `kill -9` of a
// service recovers under `npm start`), and stops it with SIGTERM, then SIGKILL after a deadline.
import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createLinePrefixer } from './line-prefixer.js';

export interface Backoff {
  /** First delay before a restart; doubles on every further restart. */
  initialMs: number;
  maxMs: number;
  /** A child that ran at least this long counts as healthy: the next crash starts from initialMs again. */
  resetAfterMs: number;
}

export interface SupervisorOptions {
  name: string;
  command: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string | undefined>;
  /** One call per line the child writes, without its newline. */
  onLine: (stream: 'stdout' | 'stderr', line: string) => void;
  /** The supervisor's own messages (exits, restarts, kills). */
  log: (message: string) => void;
  backoff?: Partial<Backoff>;
  /** What stop() sends first (default SIGTERM; PostgreSQL wants SIGINT, its fast shutdown). */
  stopSignal?: NodeJS.Signals;
  /** Run the child as this user (a root launcher runs PostgreSQL as its own user). */
  uid?: number;
  gid?: number;
  /**
   * Give the child an IPC channel (Node children only). It closes however this process ends, even by SIGKILL, which
   * tells the child its supervisor is gone (service-kit's skeleton then shuts it down).
   */
  ipc?: boolean;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when it exited because stop() asked it to. */
  expected: boolean;
}

const defaultBackoff: Backoff = { initialMs: 500, maxMs: 10_000, resetAfterMs: 10_000 };

export class Supervisor extends EventEmitter<{ spawn: [pid: number]; exit: [ExitInfo] }> {
  readonly name: string;
  private readonly options: SupervisorOptions;
  private readonly backoff: Backoff;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private nextDelayMs: number;
  private startedAt = 0;
  private restartCount = 0;

  constructor(options: SupervisorOptions) {
    super();
    this.name = options.name;
    this.options = options;
    this.backoff = { ...defaultBackoff, ...options.backoff };
    this.nextDelayMs = this.backoff.initialMs;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** How many times the child was restarted after exiting on its own. */
  get restarts(): number {
    return this.restartCount;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  start(): void {
    if (this.child || this.restartTimer) return;
    this.stopping = false;
    this.spawnChild();
  }

  private spawnChild(): void {
    const { command, args, cwd, env, onLine, uid, gid, ipc = false } = this.options;
    const child = spawn(command, args, {
      cwd,
      env,
      stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
      // own process group: a Ctrl-C in the terminal reaches only the launcher, which then stops children in order
      detached: process.platform !== 'win32',
      ...(uid !== undefined ? { uid, gid } : {}),
    });
    this.child = child;
    this.startedAt = Date.now();
    for (const stream of ['stdout', 'stderr'] as const) {
      // one splitter per child: a dead child's unfinished line must not run into its successor's first line
      const lines = createLinePrefixer('', (line) => onLine(stream, line));
      child[stream]?.on('data', (chunk: Buffer) => lines.push(chunk));
      child[stream]?.on('end', () => lines.end());
    }
    this.exited = new Promise((resolve) => {
      let done = false;
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        if (done) return;
        done = true;
        this.onExit(child, code, signal);
        resolve();
      };
      // 'close', not 'exit': it comes after the child's last output has been read
      child.once('close', finish);
      child.once('error', (error) => {
        this.options.log(`${this.name} could not be started: ${error.message}`);
        finish(null, null);
      });
    });
    if (child.pid !== undefined) this.emit('spawn', child.pid);
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child === child) this.child = undefined;
    const expected = this.stopping;
    this.emit('exit', { code, signal, expected });
    if (expected) return;
    if (Date.now() - this.startedAt >= this.backoff.resetAfterMs) this.nextDelayMs = this.backoff.initialMs;
    const delay = this.nextDelayMs;
    this.nextDelayMs = Math.min(this.nextDelayMs * 2, this.backoff.maxMs);
    const how = signal ? `signal ${signal}` : `code ${code}`;
    this.options.log(`${this.name} exited unexpectedly (${how}); restarting in ${delay} ms`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.restartCount += 1;
      this.spawnChild();
    }, delay);
  }

  /** Sends a signal to the running child and resolves once it has exited; the supervisor then restarts it. */
  async kill(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child) throw new Error(`${this.name} is not running`);
    const exited = this.exited;
    child.kill(signal);
    await exited;
  }

  /**
   * Stops for good (no restart): SIGTERM (or the stopSignal given), then SIGKILL once graceMs have passed. graceMs 0
   * kills at once. Resolves when the child has exited.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) {
      clearTimeout(this.restartTimer);
      this.restartTimer = undefined;
    }
    const child = this.child;
    if (!child) return;
    const exited = this.exited;
    if (graceMs > 0) {
      child.kill(this.options.stopSignal ?? 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), graceMs);
        }),
      ]);
      clearTimeout(timer);
      if (!timedOut) return;
      this.options.log(`${this.name} did not stop within ${graceMs} ms; sending SIGKILL`);
    }
    child.kill('SIGKILL');
    await exited;
  }
}
