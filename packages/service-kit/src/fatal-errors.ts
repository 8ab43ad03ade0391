// An uncaught exception or an unhandled rejection leaves a process in a state nobody planned for: it is logged at
// fatal level, the log is flushed, and the process exits with status 1 so its supervisor (the launcher, compose's
// restart policy, Kubernetes) starts a clean one. Every main.ts installs it right after creating its logger.
import type { Logger } from 'pino';

export interface FatalErrorOptions {
  /** Replaced in tests; defaults to process.exit. */
  exit?: (code: number) => void;
  /** How long the log may take to flush before the process exits anyway. */
  flushTimeoutMs?: number;
}

export function exitOnFatalErrors(logger: Logger, options: FatalErrorOptions = {}): void {
  const { exit = (code: number) => process.exit(code), flushTimeoutMs = 2_000 } = options;
  let exiting = false;
  const onFatal = (message: string) => (error: unknown) => {
    if (exiting) return;
    exiting = true;
    // an error thrown while exiting must not let the process carry on, nor end with status 0
    process.exitCode = 1;
    logger.fatal({ err: error }, message);
    // kept referenced: with the event loop otherwise empty the process would end on its own, with status 0
    setTimeout(() => exit(1), flushTimeoutMs);
    logger.flush(() => exit(1));
  };
  process.on('uncaughtException', onFatal('uncaught exception: exiting'));
  process.on('unhandledRejection', onFatal('unhandled promise rejection: exiting'));
}
