import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { transpilingBuild } from './transpile-build.js';
import type { DevEdit } from './workspace-build.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function workspace() {
  const root = mkdtempSync(join(tmpdir(), 'transpile-build-'));
  roots.push(root);
  mkdirSync(join(root, 'services/hello/src/routes'), { recursive: true });
  writeFileSync(join(root, 'services/hello/package.json'), JSON.stringify({ name: '@fixture/hello', type: 'module' }));
  writeFileSync(
    join(root, 'services/hello/tsconfig.build.json'),
    JSON.stringify({
      compilerOptions: {
        rootDir: 'src',
        outDir: 'dist',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2022',
        sourceMap: true,
      },
      include: ['src'],
    }),
  );
  const fullBuilds: string[][] = [];
  const logged: string[] = [];
  const build = transpilingBuild(
    root,
    (line) => logged.push(line),
    async ({ workspaces }) => {
      fullBuilds.push([...workspaces]);
      return true;
    },
  );
  const hello = { name: '@fixture/hello', dir: 'services/hello', dependencies: [] };
  const edit = (...files: string[]): DevEdit => ({ workspaces: [hello.name], files, workspaceOf: () => hello });
  return { root, build, edit, fullBuilds, logged };
}

describe('transpilingBuild', () => {
  it('writes the dist file tsc would, with its source map, and needs no full build for it', async () => {
    const { root, build, edit, fullBuilds } = workspace();
    writeFileSync(
      join(root, 'services/hello/src/routes/greet.ts'),
      "export const greet = (name: string): string => 'hi ' + name;\n",
    );
    expect(await build(edit('services/hello/src/routes/greet.ts'))).toBe(true);
    const output = readFileSync(join(root, 'services/hello/dist/routes/greet.js'), 'utf8');
    expect(output).toContain('export const greet = (name) =>');
    expect(output).toContain('//# sourceMappingURL=greet.js.map');
    const map = JSON.parse(readFileSync(join(root, 'services/hello/dist/routes/greet.js.map'), 'utf8'));
    expect(map.sources).toEqual(['../../src/routes/greet.ts']);
    expect(fullBuilds).toEqual([]);
  });

  it('fails on a syntax error and writes nothing', async () => {
    const { root, build, edit, logged } = workspace();
    writeFileSync(join(root, 'services/hello/src/broken.ts'), 'export const = ;\n');
    expect(await build(edit('services/hello/src/broken.ts'))).toBe(false);
    expect(existsSync(join(root, 'services/hello/dist/broken.js'))).toBe(false);
    expect(logged.join('\n')).toContain('services/hello/src/broken.ts:1');
  });

  it('hands what it cannot transpile (a proto, a deleted file) to the full build', async () => {
    const { build, edit, fullBuilds } = workspace();
    expect(await build(edit('services/hello/src/gone.ts', 'services/hello/proto/hello.proto'))).toBe(true);
    expect(fullBuilds).toEqual([['@fixture/hello']]);
  });
});
