#!/usr/bin/env node
// Used by the services' Dockerfile on a `turbo prune --docker` tree: the workspaces a service needs at run time are
// the ones its `dependencies` reach; the rest (test-databases, the embedded PostgreSQL, ...) must not ship in its image.
//
//   production-workspaces.mjs list  @platform/<name>   print the files to ship: each workspace's package `files`
//   production-workspaces.mjs apply @platform/<name>   drop every other workspace from the tree and from the root
//                                                      package.json, so `npm prune --omit=dev` removes them and what
//                                                      only they depend on
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [command, target] = process.argv.slice(2);
if (!['list', 'apply'].includes(command) || !target) {
  console.error('usage: production-workspaces.mjs list|apply @platform/<name>');
  process.exit(2);
}

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const root = readJson('package.json');

// name -> { dir, manifest } for every workspace in the tree (turbo prune lists them literally)
const workspaces = new Map();
for (const pattern of root.workspaces ?? []) {
  const dirs = pattern.endsWith('/*')
    ? readdirSync(pattern.slice(0, -2), { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => join(pattern.slice(0, -2), entry.name))
    : [pattern];
  for (const dir of dirs) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = readJson(file);
    workspaces.set(manifest.name, { dir, manifest });
  }
}
if (!workspaces.has(target)) {
  console.error(`production-workspaces: ${target} is not a workspace of this tree`);
  process.exit(1);
}

// the production closure: follow `dependencies` (and required peers) between workspaces, never devDependencies
const needed = new Set();
const visit = (name) => {
  if (needed.has(name) || !workspaces.has(name)) return;
  needed.add(name);
  const { manifest } = workspaces.get(name);
  for (const dependency of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })) visit(dependency);
};
visit(target);

if (command === 'list') {
  for (const name of needed) {
    const { dir, manifest } = workspaces.get(name);
    for (const entry of manifest.files ?? ['dist']) if (existsSync(join(dir, entry))) console.log(join(dir, entry));
  }
} else {
  for (const [name, { dir }] of workspaces) if (!needed.has(name)) rmSync(dir, { recursive: true, force: true });
  root.workspaces = [...needed].map((name) => workspaces.get(name).dir);
  writeFileSync('package.json', `${JSON.stringify(root, null, 2)}\n`);
}
