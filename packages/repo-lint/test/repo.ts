// The repository these checks look at, and its files as git knows them (tracked or new, never ignored ones).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Paths relative to the root of the files git tracks or would add, matching the given pathspecs. */
export function repoFiles(...pathspecs: string[]): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '--', ...pathspecs], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  return [...new Set(out.split('\n').filter((line) => line !== ''))].sort();
}
