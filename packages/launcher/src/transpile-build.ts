// The fast path of `npm run dev`'s rebuild: each edited TypeScript file is transpiled on its own (TypeScript's
// transpileModule, with the workspace's own tsconfig.build.json options) into the dist/ file tsc would write, in
// milliseconds instead of a whole `tsc` run. Types are not checked here (the editor and `npm run typecheck` do that);
// syntax errors fail the build. Edits it cannot handle this way (a .proto, a JSON file, a deleted file) go to the
// full build (turbo).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import type { CompilerOptions } from 'typescript';
import type { DevEdit, WorkspaceBuild } from './workspace-build.js';

type TypeScript = typeof import('typescript');

export function transpilingBuild(
  repoRoot: string,
  log: (line: string) => void,
  fullBuild: WorkspaceBuild,
): WorkspaceBuild {
  // loaded on the first edit, and only by `npm run dev`
  let ts: TypeScript | undefined;
  const optionsByWorkspace = new Map<string, CompilerOptions | undefined>();

  const optionsOf = (workspaceDir: string): CompilerOptions | undefined => {
    if (optionsByWorkspace.has(workspaceDir)) return optionsByWorkspace.get(workspaceDir);
    const configFile = join(repoRoot, workspaceDir, 'tsconfig.build.json');
    let options: CompilerOptions | undefined;
    if (existsSync(configFile) && ts) {
      const parsed = ts.getParsedCommandLineOfConfigFile(
        configFile,
        {},
        {
          ...ts.sys,
          onUnRecoverableConfigFileDiagnostic: () => {},
        },
      );
      if (parsed?.options.outDir && parsed.options.rootDir) {
        // file by file, TypeScript cannot see package.json's "type", which decides what NodeNext emits: say it
        const manifest = join(repoRoot, workspaceDir, 'package.json');
        const esm = existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).type === 'module';
        options = {
          ...parsed.options,
          module: esm ? ts.ModuleKind.ESNext : ts.ModuleKind.CommonJS,
          moduleResolution: ts.ModuleResolutionKind.Bundler,
        };
      }
    }
    optionsByWorkspace.set(workspaceDir, options);
    return options;
  };

  return async (edit: DevEdit) => {
    const fallback = new Set<string>();
    const transpiled: string[] = [];
    ts ??= createRequire(import.meta.url)('typescript') as TypeScript;
    for (const file of edit.files) {
      const workspace = edit.workspaceOf(file);
      if (!workspace) continue;
      const options = optionsOf(workspace.dir);
      const absolute = join(repoRoot, file);
      if (!options || !/\.[cm]?ts$/.test(file) || file.endsWith('.d.ts') || !existsSync(absolute)) {
        fallback.add(workspace.name);
        continue;
      }
      const output = join(options.outDir!, relative(options.rootDir!, absolute)).replace(/\.([cm]?)ts$/, '.$1js');
      const result = ts.transpileModule(readFileSync(absolute, 'utf8'), {
        compilerOptions: { ...options, declaration: false, declarationMap: false },
        fileName: absolute,
        reportDiagnostics: true,
      });
      const errors = (result.diagnostics ?? []).filter((d) => d.category === ts!.DiagnosticCategory.Error);
      if (errors.length > 0) {
        for (const diagnostic of errors) {
          const where =
            diagnostic.file && diagnostic.start !== undefined
              ? `:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1}`
              : '';
          log(`${file}${where}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`);
        }
        return false;
      }
      mkdirSync(dirname(output), { recursive: true });
      writeFileSync(output, result.outputText);
      if (result.sourceMapText) {
        // as tsc writes it: the source named relative to the map's own folder
        const map = JSON.parse(result.sourceMapText) as { sources: string[]; file: string };
        map.sources = [relative(dirname(output), absolute)];
        writeFileSync(`${output}.map`, JSON.stringify(map));
      }
      transpiled.push(file);
    }
    if (transpiled.length > 0) log(`transpiled ${transpiled.join(', ')}`);
    if (fallback.size === 0) return true;
    return fullBuild({ ...edit, workspaces: [...fallback] });
  };
}
