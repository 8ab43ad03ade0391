#!/usr/bin/env node
// Checks proto/ for breaking changes (buf FILE rules) against the protos on a git branch (default main).
// The first landing, when that branch has no protos yet, has nothing to break: it says so and passes.
// usage: node scripts/breaking.mjs [branch]
import { execFileSync, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const branch = process.argv[2] ?? 'main';
const protoPath = 'packages/contracts/proto';
const git = (...args) => execFileSync('git', args, { encoding: 'utf8' }).trim();

// the common dir, not the work tree's .git, so this also works from a `git worktree`
const gitDir = resolve(git('rev-parse', '--git-common-dir'));

if (spawnSync('git', ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]).status !== 0) {
  console.error(
    `breaking: no local branch "${branch}" to compare with (fetch it first, e.g. git fetch origin ${branch}:${branch})`,
  );
  process.exit(2);
}
if (spawnSync('git', ['cat-file', '-e', `${branch}:${protoPath}`]).status !== 0) {
  console.log(`breaking: ${branch} has no ${protoPath} yet (first landing); nothing to compare, passing`);
  process.exit(0);
}

const against = `${gitDir}#branch=${branch},subdir=${protoPath}`;
console.log(`breaking: buf breaking proto --against '${against}'`);
const result = spawnSync('buf', ['breaking', 'proto', '--against', against], { stdio: 'inherit' });
process.exit(result.status ?? 1);
