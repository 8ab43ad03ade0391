#!/usr/bin/env node
// `platform-topology`: the list of services for shell scripts (src/cli.ts). Runs the build when there is one, else
// the TypeScript source through tsx (a devDependency of the repo), so a script works before `npm run build`.
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli.main.js', import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli.main.ts', import.meta.url).href);
}
