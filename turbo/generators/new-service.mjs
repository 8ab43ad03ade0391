#!/usr/bin/env node
// `npm run new:service -- <name> [--no-storage] [--no-public-route]`: runs the `service` generator of
// turbo/generators/config.ts with @turbo/gen (the engine `turbo gen` runs; the one in node_modules, so it works
// offline and at the version the lockfile pins), after building the libraries the generator uses
// (@platform/service-generator and @platform/topology), then what makes the new service buildable at once: npm
// install (links the new workspace), the TypeScript of its .proto (npm run generate), and Biome's formatting of what
// was written. Plain JavaScript, so it runs before anything is built.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const USAGE = 'usage: npm run new:service -- <name> [--no-storage] [--no-public-route]';
const FLAGS = new Set(['--no-storage', '--no-public-route']);
const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

const args = process.argv.slice(2);
const names = args.filter((arg) => !arg.startsWith('-'));
const unknown = args.filter((arg) => arg.startsWith('-') && !FLAGS.has(arg));
if (unknown.length > 0 || names.length !== 1) {
  process.stderr.write(
    `new:service: ${unknown.length > 0 ? `unknown option ${unknown[0]}` : 'give exactly one name'}\n${USAGE}\n`,
  );
  process.exit(2);
}
const [name] = names;
const storage = !args.includes('--no-storage');
const publicRoute = !args.includes('--no-public-route');

function run(command, commandArgs, what) {
  // no questions: everything comes from the arguments
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) {
    process.stderr.write(`new:service: ${what} failed (exit ${result.status ?? result.signal})\n`);
    process.exit(1);
  }
}

const gen = join(root, 'node_modules/@turbo/gen/dist/cli.js');
if (!existsSync(gen)) {
  process.stderr.write('new:service: @turbo/gen is not installed: run npm ci first\n');
  process.exit(1);
}
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const turbo = ['exec', '--', 'turbo', 'run', '--output-logs=errors-only'];
run(npm, [...turbo, 'build', '--filter=@platform/service-generator...'], "the generator's build");
run(
  process.execPath,
  [gen, 'run', 'service', '--root', root, '--args', name, String(storage), String(publicRoute)],
  'the generator',
);
// @turbo/gen falls back to asking questions (and exits 0) when it cannot load its config: see that it wrote
if (!existsSync(join(root, 'services', name, 'package.json'))) {
  process.stderr.write(`new:service: the generator did not write services/${name} (its messages are above)\n`);
  process.exit(1);
}
run(npm, ['install', '--no-audit', '--no-fund'], 'npm install');
run(npm, [...turbo, 'generate'], 'npm run generate');
// what it wrote and the code it added a line to (the exports of the contracts are kept in order)
const written = [
  `services/${name}`,
  `e2e/test/${name}.contract.test.ts`,
  `services/gateway/src/${name}.routes.ts`,
  'services/gateway/src/downstream-routes.ts',
  'packages/contracts/src/index.ts',
  'packages/topology/src/services.ts',
];
run(
  npm,
  ['exec', '--', 'biome', 'check', '--write', ...written.filter((path) => existsSync(join(root, path)))],
  'formatting',
);

process.stdout.write(`
${name} is a service of the platform now. Next:
  npm run build && npm start          # it runs with the others${publicRoute ? `; GET http://localhost:8080/api/${name}` : ''}
  npm test -w @platform/${name}       # its own tests
  npm run test:k8s                    # compose, Kubernetes and Istio hold it
Then replace its example read with real domain logic: services/${name}/README.md, "Next: real domain logic".
`);
