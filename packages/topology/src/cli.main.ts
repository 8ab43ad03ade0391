// Entry of `platform-topology` (bin/topology.mjs): runs one command of cli.ts and exits with its status.
import { runCommand } from './cli.js';

const { out, ok } = runCommand(process.argv[2]);
(ok ? process.stdout : process.stderr).write(out);
process.exitCode = ok ? 0 : 1;
