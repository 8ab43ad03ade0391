// The process behind bin/bundle-service.mjs.
import { runCli } from './cli.js';

process.exitCode = await runCli(process.argv.slice(2), process.cwd(), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
