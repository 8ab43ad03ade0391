// Every shell script of the repository passes shellcheck (Debian's package; CI installs it): the *.sh files and the
// extension-less scripts whose first line names bash or sh, such as .ci/run.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoFiles, repoRoot } from './repo.js';

const SHEBANG = /^#!\s*(\/usr\/bin\/env\s+)?(\/bin\/|\/usr\/bin\/)?(ba)?sh\b/;

function shellScripts(): string[] {
  return repoFiles().filter((file) => {
    if (file.endsWith('.sh')) return true;
    if (/\.[a-z]+$/i.test(file.split('/').pop() ?? '')) return false;
    try {
      return SHEBANG.test(readFileSync(join(repoRoot, file), 'utf8').slice(0, 100));
    } catch {
      return false;
    }
  });
}

describe('shell scripts', () => {
  const scripts = shellScripts();

  it('are found, .ci/run among them', () => {
    expect(scripts).toContain('.ci/run');
    expect(scripts.length).toBeGreaterThan(5);
  });

  it('pass shellcheck', () => {
    const version = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' });
    expect(version.error, 'shellcheck is not installed: apt-get install shellcheck (.ci/run does)').toBeUndefined();
    const result = spawnSync('shellcheck', ['--format=gcc', ...scripts], { cwd: repoRoot, encoding: 'utf8' });
    expect(result.stdout.split('\n').filter((line) => line !== '')).toEqual([]);
    expect(result.status).toBe(0);
  });
});
