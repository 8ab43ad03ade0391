#!/usr/bin/env node
// The service images of the platform, derived from the repository itself: every services/<name>/ folder (a workspace
// with a package.json) is one image, platform/<name>, built from the one root Dockerfile with SERVICE=<name> and
// versioned by its package.json. No list to keep in step by hand.
//   node scripts/images/services.mjs [--json]     print the names (one a line, or a JSON array)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** @returns {{ name: string, dockerfile: string, buildArgs: string[], version: string, image: string }[]} sorted by name */
export function serviceImages(root = repoRoot) {
  const services = join(root, 'services');
  return readdirSync(services, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(services, entry.name, 'package.json')))
    .map((entry) => {
      const manifest = JSON.parse(readFileSync(join(services, entry.name, 'package.json'), 'utf8'));
      return {
        name: entry.name,
        dockerfile: 'Dockerfile',
        buildArgs: [`SERVICE=${entry.name}`],
        version: manifest.version,
        image: `platform/${entry.name}`,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const names = serviceImages().map((service) => service.name);
  console.log(process.argv.includes('--json') ? JSON.stringify(names) : names.join('\n'));
}
