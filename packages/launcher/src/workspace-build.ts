// Rebuilds edited workspaces for `npm run dev` with the same tool as `npm start` (turbo, so generate runs before
// build and unchanged dependencies replay from its cache), and says whether the build passed.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createLinePrefixer } from './line-prefixer.js';
import type { Workspace } from './workspace-graph.js';

/** What was edited since the last rebuild. */
export interface DevEdit {
  /** Names of the edited workspaces. */
  workspaces: readonly string[];
  /** The edited files, relative to the repo root. */
  files: readonly string[];
  workspaceOf(file: string): Workspace | undefined;
}

/** Rebuilds what an edit touched; resolves false when the build failed. */
export type WorkspaceBuild = (edit: DevEdit) => Promise<boolean>;

/** `turbo run build --filter=<each>`; its output goes to `log` line by line (tsc errors included). */
export function turboBuild(repoRoot: string, log: (line: string) => void): WorkspaceBuild {
  return ({ workspaces }) =>
    new Promise((resolve) => {
      const filters = workspaces.map((name) => `--filter=${name}`);
      const child = spawn(
        join(repoRoot, 'node_modules/.bin/turbo'),
        ['run', 'build', ...filters, '--output-logs=errors-only', '--log-prefix=none'],
        { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' } },
      );
      for (const stream of [child.stdout, child.stderr]) {
        const lines = createLinePrefixer('', (line) => {
          if (line.trim() !== '') log(line);
        });
        stream.on('data', (chunk: Buffer) => lines.push(chunk));
        stream.on('end', () => lines.end());
      }
      child.once('error', (error) => {
        log(`could not run turbo: ${error.message}`);
        resolve(false);
      });
      child.once('close', (code) => resolve(code === 0));
    });
}
