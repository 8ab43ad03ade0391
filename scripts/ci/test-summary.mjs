#!/usr/bin/env node
// Adds up the vitest summaries of every suite in one or more logs and prints the closing line CI reads, after the
// names of the tests that failed (so a CI page that shows only its tail still says what broke).
// usage: node scripts/ci/test-summary.mjs LOG [LOG ...]
import { readFileSync } from 'node:fs';

const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const MAX_NAMED_FAILURES = 20;

let passed = 0;
let failed = 0;
const failures = new Set();
for (const file of process.argv.slice(2)) {
  // strip ANSI colours; turbo prefixes each line with the task name
  const text = readFileSync(file, 'utf8').replace(ANSI_COLOUR, '');
  for (const line of text.split('\n')) {
    // vitest names each failed test on a line "FAIL  <file> > <suite> > <test>"
    const failure = line.match(/\bFAIL\s+(\S.*>.*)$/);
    if (failure) failures.add(`${file.split('/').pop()}: ${failure[1].trim()}`);
    const m = line.match(/\bTests\s+(.*)\(\d+\)\s*$/);
    if (!m) continue;
    passed += Number(m[1].match(/(\d+) passed/)?.[1] ?? 0);
    failed += Number(m[1].match(/(\d+) failed/)?.[1] ?? 0);
  }
}
const named = [...failures];
for (const name of named.slice(0, MAX_NAMED_FAILURES)) console.log(`failed: ${name}`);
if (named.length > MAX_NAMED_FAILURES) console.log(`failed: … and ${named.length - MAX_NAMED_FAILURES} more`);
console.log(`${passed} passed, ${failed} failed`);
