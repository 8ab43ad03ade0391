// Watches the sources of a set of workspaces and reports, after a quiet moment, which workspaces were edited.
// Generated code (src/gen), tests and editor droppings are not edits of the running code.
import { existsSync, type FSWatcher, watch } from 'node:fs';
import { join } from 'node:path';
import type { Workspace } from './workspace-graph.js';

export interface SourceWatcherOptions {
  repoRoot: string;
  workspaces: readonly Workspace[];
  /** Called with the names of the workspaces edited since the last call (never empty). */
  onChange: (workspaces: Set<string>, files: string[]) => void;
  /** How long the sources must stay quiet before onChange (an editor saves several files at once). */
  quietMs?: number;
}

/** Folders of a workspace whose files make up what it runs: its sources and, for contracts, the .proto files. */
const WATCHED = ['src', 'proto'];

export function isRuntimeSource(file: string): boolean {
  const path = file.replaceAll('\\', '/');
  if (path.split('/').some((part) => part === 'gen' || part === 'node_modules' || part.startsWith('.'))) return false;
  if (/\.test\.[cm]?[jt]s$/.test(path) || /(~|\.swp|\.tmp)$/.test(path)) return false;
  return /\.([cm]?[jt]s|json|proto)$/.test(path);
}

export function watchSources({ repoRoot, workspaces, onChange, quietMs = 300 }: SourceWatcherOptions): {
  close(): void;
} {
  const watchers: FSWatcher[] = [];
  let pending = new Map<string, string[]>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    if (pending.size === 0) return;
    const edited = pending;
    pending = new Map();
    onChange(new Set(edited.keys()), [...edited.values()].flat());
  };
  for (const workspace of workspaces) {
    for (const folder of WATCHED) {
      const dir = join(repoRoot, workspace.dir, folder);
      if (!existsSync(dir)) continue;
      const watcher = watch(dir, { recursive: true }, (_event, file) => {
        if (!file || !isRuntimeSource(file)) return;
        const files = pending.get(workspace.name) ?? [];
        files.push(`${workspace.dir}/${folder}/${file}`);
        pending.set(workspace.name, files);
        clearTimeout(timer);
        timer = setTimeout(flush, quietMs);
      });
      watchers.push(watcher);
    }
  }
  return {
    close() {
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}
