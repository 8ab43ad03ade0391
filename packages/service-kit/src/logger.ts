// The pino logger every service uses: JSON lines with the service name and, inside a request, the active trace and
// span ids so logs and traces join up; pretty-printed when a person reads them in a terminal, JSON everywhere else.
import { createRequire } from 'node:module';
import { trace } from '@opentelemetry/api';
import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  service: string;
  level: string;
  /** Defaults to stdout; tests pass a stream to read the lines back. */
  destination?: DestinationStream;
  /**
   * Human-readable lines (pino-pretty) instead of JSON. Default: only when writing to stdout and stdout is a
   * terminal; a container, a pipe or the launcher (which pretty-prints for its own terminal) gets JSON.
   */
  pretty?: boolean;
}

export function createLogger({ service, level, destination, pretty }: LoggerOptions): Logger {
  const humanReadable = pretty ?? (destination === undefined && Boolean(process.stdout.isTTY));
  return pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.refreshToken'],
        censor: '[redacted]',
      },
      mixin() {
        const span = trace.getActiveSpan();
        if (!span) return {};
        const { traceId, spanId } = span.spanContext();
        return { traceId, spanId };
      },
    },
    humanReadable ? prettyStream(destination) : (destination ?? stdout()),
  );
}

/**
 * stdout written synchronously. pino's own default is an asynchronous SonicBoom whose flush() returns at once: a
 * line still in flight when the process exits (a fatal error, the end of a shutdown) could be lost or land after
 * the lines logged behind it, as a loaded CI runner showed ('shutting down' after 'shutdown complete').
 */
function stdout(): DestinationStream {
  return pino.destination({ dest: 1, sync: true });
}

/** pino-pretty as a synchronous stream (no worker thread): loaded only when asked for, since images never are. */
function prettyStream(destination: DestinationStream | undefined): DestinationStream {
  const require = createRequire(import.meta.url);
  const pinoPretty = require('pino-pretty') as typeof import('pino-pretty');
  return pinoPretty({
    sync: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    // colours follow pino-pretty's own terminal detection (which honours NO_COLOR); never into a given stream
    ...(destination ? { destination, colorize: false } : {}),
  });
}
