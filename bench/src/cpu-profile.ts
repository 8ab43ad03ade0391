// Reads a .cpuprofile (V8's sampling profile, as --cpu-prof and the inspector write it): where a process spent its
// CPU by self time, frames grouped by function and location, idle time left out.
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTimeFrame {
  /** `function (file:line)`, the file without its directories up to node_modules or the package. */
  frame: string;
  selfMs: number;
  /** Share of the busy (non-idle) time. */
  share: number;
}

export interface ProfileSummary {
  busyMs: number;
  top: SelfTimeFrame[];
  /** Self time by package (`node:` for Node's own modules, `(native)` for frames without a file), largest first. */
  byPackage: { name: string; selfMs: number; share: number }[];
}

export function summarizeProfile(profile: CpuProfile, limit = 15): ProfileSummary {
  const label = new Map<number, string>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    label.set(node.id, url ? `${functionName || '(anonymous)'} (${shortUrl(url)}:${lineNumber + 1})` : functionName);
  }
  const packageOf = new Map<number, string>();
  for (const node of profile.nodes) packageOf.set(node.id, packageName(node.callFrame.url));
  const selfUs = new Map<string, number>();
  const packageUs = new Map<string, number>();
  let busyUs = 0;
  profile.samples.forEach((nodeId, index) => {
    const frame = label.get(nodeId) ?? '(unknown)';
    if (frame === '(idle)') return;
    const delta = profile.timeDeltas[index] ?? 0;
    busyUs += delta;
    selfUs.set(frame, (selfUs.get(frame) ?? 0) + delta);
    const name = packageOf.get(nodeId) ?? '(native)';
    packageUs.set(name, (packageUs.get(name) ?? 0) + delta);
  });
  const top = [...selfUs.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([frame, us]) => ({ frame, selfMs: us / 1000, share: busyUs > 0 ? us / busyUs : 0 }));
  const byPackage = [...packageUs.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([name, us]) => ({ name, selfMs: us / 1000, share: busyUs > 0 ? us / busyUs : 0 }));
  return { busyMs: busyUs / 1000, top, byPackage };
}

function packageName(url: string): string {
  if (url === '') return '(native)';
  if (url.startsWith('node:')) return 'node:';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const [scope, name] = url.slice(modules + 'node_modules/'.length).split('/');
    return scope?.startsWith('@') ? `${scope}/${name}` : (scope ?? url);
  }
  const match = /\/(packages|services)\/([^/]+)\//.exec(url);
  return match ? `ours: ${match[2]}` : url;
}

function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('node_modules/');
  if (modules >= 0) return path.slice(modules + 'node_modules/'.length);
  const match = /\/(packages|services)\/(.*)$/.exec(path);
  return match ? match[2]! : path;
}
