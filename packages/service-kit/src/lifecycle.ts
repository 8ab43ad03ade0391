// Graceful shutdown: on SIGTERM/SIGINT readiness turns 503, in-flight work finishes as each closer runs (last
// registered first), then the process exits; a second signal or the deadline forces the exit.
import type { Logger } from 'pino';
import type { Readiness } from './readiness.js';

export interface LifecycleOptions {
  logger: Logger;
  readiness: Readiness;
  /** Deadline for the whole shutdown, after which the process exits with status 1. */
  timeoutMs: number;
  /** Pause after readiness turns 503 and before closing, so endpoints stop routing new requests here first. */
  drainDelayMs?: number;
  /** Replaced in tests; defaults to process.exit. */
  exit?: (code: number) => void;
}

type Closer = { name: string; close: () => Promise<void> | void };

export class Lifecycle {
  private readonly closers: Closer[] = [];
  private shuttingDown: Promise<void> | undefined;
  private readonly exit: (code: number) => void;

  constructor(private readonly options: LifecycleOptions) {
    this.exit = options.exit ?? ((code) => process.exit(code));
  }

  /** Registers something to close on shutdown; closers run in reverse order of registration. */
  onShutdown(name: string, close: () => Promise<void> | void): this {
    this.closers.push({ name, close });
    return this;
  }

  /**
   * Installs the signal handlers (main.ts only: tests call shutdown() directly). A process started by a supervisor
   * over an IPC channel (the launcher does) also shuts down when that channel closes: its supervisor is gone, even
   * if killed with SIGKILL, and an orphan would hold the platform's ports against the next start.
   */
  handleSignals(signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): this {
    for (const signal of signals) {
      process.on(signal, () => {
        if (this.shuttingDown) {
          this.options.logger.warn({ signal }, 'second signal: exiting now');
          this.exit(1);
          return;
        }
        void this.shutdown(signal);
      });
    }
    if (process.channel) {
      // the channel alone must not keep the process alive
      process.channel.unref();
      process.once('disconnect', () => void this.shutdown('supervisor gone'));
    }
    return this;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown !== undefined;
  }

  /** Runs the shutdown once; later calls return the same promise. Exits the process when done. */
  shutdown(reason: string): Promise<void> {
    this.shuttingDown ??= this.run(reason);
    return this.shuttingDown;
  }

  private async run(reason: string): Promise<void> {
    const { logger, readiness, timeoutMs, drainDelayMs = 0 } = this.options;
    logger.info({ reason, timeoutMs }, 'shutting down');
    readiness.drain();
    const deadline = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown deadline passed: exiting now');
      this.exit(1);
    }, timeoutMs);
    deadline.unref();
    let failed = false;
    try {
      if (drainDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, drainDelayMs));
      for (const { name, close } of [...this.closers].reverse()) {
        try {
          await close();
        } catch (error) {
          failed = true;
          logger.error({ err: error, closer: name }, 'error while closing');
        }
      }
    } finally {
      clearTimeout(deadline);
    }
    logger.info('shutdown complete');
    this.exit(failed ? 1 : 0);
  }
}
