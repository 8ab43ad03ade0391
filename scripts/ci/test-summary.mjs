#!/usr/bin/env node
// Adds up the vitest summaries of every suite in one or more logs and prints the closing line CI reads.
// usage: node scripts/ci/test-summary.mjs LOG [LOG ...]
import { readFileSync } from 'node:fs';

const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

let passed = 0;
let failed = 0;
for (const file of process.argv.slice(2)) {
  // strip ANSI colours; turbo prefixes each line with the task name
  const text = readFileSync(file, 'utf8').replace(ANSI_COLOUR, '');
  for (const line of text.split('\n')) {
    const m = line.match(/\bTests\s+(.*)\(\d+\)\s*$/);
    if (!m) continue;
    passed += Number(m[1].match(/(\d+) passed/)?.[1] ?? 0);
    failed += Number(m[1].match(/(\d+) failed/)?.[1] ?? 0);
  }
}
console.log(`${passed} passed, ${failed} failed`);
