// On a terminal, the launcher shows its services' JSON log lines pretty-printed, one line per record (the services
// themselves write JSON into the pipe, as in a container). Lines that are not JSON pass through unchanged.
import { createRequire } from 'node:module';

export function prettyLogLines(colorize: boolean): (line: string) => string {
  const require = createRequire(import.meta.url);
  const { prettyFactory } = require('pino-pretty') as typeof import('pino-pretty');
  const pretty = prettyFactory({
    colorize,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    // the prefix already names the service
    ignore: 'pid,hostname,service',
  });
  return (line) => {
    if (!line.startsWith('{')) return line;
    const formatted = pretty(line);
    return typeof formatted === 'string' && formatted !== '' ? formatted.replace(/\n+$/, '') : line;
  };
}
