// Which workspaces each service runs on: its own folder plus every @platform/* package its `dependencies` reach,
// read from the package.json files, so `npm run dev` knows which services an edit in a shared package restarts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Workspace {
  /** The package name, e.g. @platform/service-kit. */
  name: string;
  /** Relative to the repo root, e.g. packages/service-kit. */
  dir: string;
  /** Names of the workspaces it depends on at run time (`dependencies` only: dev tools do not run in a service). */
  dependencies: string[];
}

/** Every workspace under packages/ and services/ (the folders whose code a service can load). */
export function readWorkspaces(repoRoot: string): Workspace[] {
  const workspaces: Workspace[] = [];
  for (const parent of ['packages', 'services']) {
    if (!existsSync(join(repoRoot, parent))) continue;
    for (const entry of readdirSync(join(repoRoot, parent), { withFileTypes: true })) {
      const manifest = join(repoRoot, parent, entry.name, 'package.json');
      if (!entry.isDirectory() || !existsSync(manifest)) continue;
      const { name, dependencies = {} } = JSON.parse(readFileSync(manifest, 'utf8')) as {
        name: string;
        dependencies?: Record<string, string>;
      };
      workspaces.push({ name, dir: `${parent}/${entry.name}`, dependencies: Object.keys(dependencies) });
    }
  }
  const names = new Set(workspaces.map((w) => w.name));
  for (const workspace of workspaces) workspace.dependencies = workspace.dependencies.filter((d) => names.has(d));
  return workspaces;
}

/** The workspace a built entry belongs to: `services/orders/dist/main.js` -> the workspace in services/orders. */
export function workspaceOfEntry(workspaces: readonly Workspace[], entry: string): Workspace | undefined {
  return workspaces.find((w) => entry.startsWith(`${w.dir}/`));
}

/** The workspace itself and every workspace it reaches through `dependencies`. */
export function runtimeClosure(workspaces: readonly Workspace[], root: Workspace): Set<string> {
  const byName = new Map(workspaces.map((w) => [w.name, w]));
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const dependency of byName.get(name)?.dependencies ?? []) visit(dependency);
  };
  visit(root.name);
  return seen;
}
