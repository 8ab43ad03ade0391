#!/usr/bin/env node
// `embedded-postgres [--data-dir DIR] [--port N] [--host H]`: the embedded server on its own, until Ctrl-C.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmbeddedPostgres } from './embedded-postgres.js';

const usage = `usage: embedded-postgres [--data-dir DIR] [--port PORT] [--host HOST]
  --data-dir  where the database lives (default: a throwaway cluster, removed when stopped)
  --port      TCP port (default 5432; 0 picks a free one)
  --host      interface to listen on (default 127.0.0.1)`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${usage}\n`);
  process.exit(2);
}

let values: { 'data-dir'?: string; port?: string; host?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string', default: '5432' },
      host: { type: 'string', default: '127.0.0.1' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  fail((error as Error).message);
}
if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number, got ${values.port}`);

const logger = {
  info: (message: string) => process.stdout.write(`${message}\n`),
  warn: (message: string) => process.stderr.write(`${message}\n`),
};
const server = await startEmbeddedPostgres({
  dataDir: values['data-dir'] === undefined ? undefined : resolve(values['data-dir']),
  host: values.host,
  port,
  logger,
}).catch((error: Error) => fail(error.message));
process.stdout.write(`DATABASE_URL=${server.url}\n`);

let signals = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    signals += 1;
    if (signals > 1) process.exit(1);
    server.stop().then(
      () => process.exit(0),
      (error: Error) => {
        process.stderr.write(`stop failed: ${error.message}\n`);
        process.exit(1);
      },
    );
  });
}
