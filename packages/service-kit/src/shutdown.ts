// The process side of a graceful shutdown: on SIGTERM/SIGINT (or when the supervisor's IPC channel closes)
// readiness turns 503, a drain delay lets load balancers stop sending, then the service's steps run and the process
// exits; a second signal or the deadline forces the exit.
import type { Logger } from 'pino';
import type { Readiness } from './readiness.js';

export interface ShutdownOptions {
  logger: Logger;
  readiness: Readiness;
  /** Deadline for the whole shutdown, after which the process exits with status 1. */
  timeoutMs: number;
  /** Pause after readiness turns 503 and before closing, so endpoints stop routing new requests here first. */
  drainDelayMs?: number;
  /** What shutdown closes, after the drain delay; resolves false when something failed to close (and said why). */
  steps: () => Promise<boolean>;
  /** Replaced in tests; defaults to process.exit. */
  exit?: (code: number) => void;
}

export interface Shutdown {
  /**
   * Installs the signal handlers (runService only: tests call run() or the app's close() directly). A process
   * started by a supervisor over an IPC channel (the launcher does) also shuts down when that channel closes: its
   * supervisor is gone, even if killed with SIGKILL, and an orphan would hold the platform's ports.
   */
  handleSignals(signals?: NodeJS.Signals[]): Shutdown;
  /** Runs the shutdown once and exits (status 1 when a step failed or `failure` says so); later calls share it. */
  run(reason: string, options?: { failure?: boolean }): Promise<void>;
  readonly isRunning: boolean;
}

export function createShutdown(options: ShutdownOptions): Shutdown {
  const { logger, readiness, timeoutMs, drainDelayMs = 0, steps } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let running: Promise<void> | undefined;

  async function sequence(reason: string, failure: boolean): Promise<void> {
    logger.info({ reason, timeoutMs }, 'shutting down');
    readiness.drain();
    const deadline = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown deadline passed: exiting now');
      exit(1);
    }, timeoutMs);
    deadline.unref();
    let clean = false;
    try {
      if (drainDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, drainDelayMs));
      clean = await steps();
    } finally {
      clearTimeout(deadline);
    }
    logger.info('shutdown complete');
    exit(clean && !failure ? 0 : 1);
  }

  const shutdown: Shutdown = {
    handleSignals(signals = ['SIGTERM', 'SIGINT']) {
      for (const signal of signals) {
        process.on(signal, () => {
          if (running) {
            logger.warn({ signal }, 'second signal: exiting now');
            exit(1);
            return;
          }
          void shutdown.run(signal);
        });
      }
      if (process.channel) {
        // the channel alone must not keep the process alive
        process.channel.unref();
        process.once('disconnect', () => void shutdown.run('supervisor gone'));
      }
      return shutdown;
    },
    run(reason, { failure = false } = {}) {
      running ??= sequence(reason, failure);
      return running;
    },
    get isRunning() {
      return running !== undefined;
    },
  };
  return shutdown;
}
