// The inner loop of `npm run dev`: an edit in a service or in a package it runs on is rebuilt, then every service
// that runs that code is restarted through the platform's own supervisor (graceful stop, start, ready). A failed
// build leaves the running services as they are. Edits made during a rebuild are picked up by the next one.
import type { Platform } from './platform.js';
import type { ServiceDefinition } from './services.js';
import { watchSources } from './source-watcher.js';
import type { WorkspaceBuild } from './workspace-build.js';
import { readWorkspaces, runtimeClosure, type Workspace, workspaceOfEntry } from './workspace-graph.js';

export interface DevLoopOptions {
  repoRoot: string;
  platform: Pick<Platform, 'restart'>;
  /** The services the platform runs (their entries map them to workspaces). */
  services: readonly ServiceDefinition[];
  build: WorkspaceBuild;
  log: (message: string) => void;
  quietMs?: number;
  /** Called after each round with what it did; tests and the README's measurement read it. */
  onRound?: (round: DevRound) => void;
}

export interface DevRound {
  edited: string[];
  built: boolean;
  restarted: string[];
  buildMs: number;
  restartMs: number;
}

export interface DevLoop {
  close(): void;
}

export function startDevLoop(options: DevLoopOptions): DevLoop {
  const { repoRoot, platform, services, build, log, onRound } = options;
  const workspaces = readWorkspaces(repoRoot);
  // service name -> the workspaces whose code it runs
  const runsOn = new Map<string, Set<string>>();
  for (const service of services) {
    const own = workspaceOfEntry(workspaces, service.entry);
    if (own) runsOn.set(service.name, runtimeClosure(workspaces, own));
  }
  const watched = new Set([...runsOn.values()].flatMap((names) => [...names]));
  const watchedWorkspaces = workspaces.filter((w: Workspace) => watched.has(w.name));

  let queued = new Set<string>();
  let queuedFiles = new Set<string>();
  let running = false;
  const round = async () => {
    if (running || queued.size === 0) return;
    running = true;
    const edited = [...queued].sort();
    const files = [...queuedFiles].sort();
    queued = new Set();
    queuedFiles = new Set();
    try {
      log(`edited: ${edited.join(', ')}; rebuilding`);
      const buildStarted = Date.now();
      const built = await build({
        workspaces: edited,
        files,
        workspaceOf: (file) => workspaces.find((w) => file.startsWith(`${w.dir}/`)),
      });
      const buildMs = Date.now() - buildStarted;
      if (!built) {
        log(`build failed after ${buildMs} ms; the services keep running the last good build`);
        onRound?.({ edited, built, restarted: [], buildMs, restartMs: 0 });
        return;
      }
      const restarted = services
        .filter((service) => edited.some((name) => runsOn.get(service.name)?.has(name)))
        .map((service) => service.name);
      const restartStarted = Date.now();
      // side by side: each restart is graceful (stop, start, ready), and in development a moment with several
      // services down is worth the seconds it saves when a shared package restarts them all
      await Promise.all(
        restarted.map((name) =>
          platform.restart(name).catch((error: Error) => {
            log(`${name} did not become ready after the restart: ${error.message}`);
          }),
        ),
      );
      const restartMs = Date.now() - restartStarted;
      log(
        restarted.length > 0
          ? `restarted ${restarted.join(', ')} (build ${buildMs} ms, restart ${restartMs} ms)`
          : `rebuilt in ${buildMs} ms; no running service uses ${edited.join(', ')}`,
      );
      onRound?.({ edited, built, restarted, buildMs, restartMs });
    } finally {
      running = false;
      void round();
    }
  };
  const watcher = watchSources({
    repoRoot,
    workspaces: watchedWorkspaces,
    ...(options.quietMs === undefined ? {} : { quietMs: options.quietMs }),
    onChange: (edited, files) => {
      for (const name of edited) queued.add(name);
      for (const file of files) queuedFiles.add(file);
      void round();
    },
  });
  log(`watching ${watchedWorkspaces.map((w) => w.dir).join(', ')}`);
  return { close: () => watcher.close() };
}
