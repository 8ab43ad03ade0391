// The running service's version: the `version` of the package.json nearest to its entry point (services/<name>/
// package.json, which every image ships), so /healthz and the trace resource name the release that is running.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';

export const UNKNOWN_VERSION = 'unknown';

/**
 * Walks up from the entry script's folder to the first package.json and returns its version. A script inside
 * node_modules (a test runner, a CLI) is not a service of ours: then, as when nothing is found, `unknown`.
 */
export function readServiceVersion(entry: string | undefined = process.argv[1]): string {
  if (!entry) return UNKNOWN_VERSION;
  let dir = dirname(resolve(entry));
  if (dir.split(sep).includes('node_modules')) return UNKNOWN_VERSION;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version?: unknown };
        return typeof version === 'string' && version !== '' ? version : UNKNOWN_VERSION;
      } catch {
        return UNKNOWN_VERSION;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return UNKNOWN_VERSION;
    dir = parent;
  }
}

let cached: string | undefined;

/** The version of this process's service, read once. */
export function serviceVersion(): string {
  cached ??= readServiceVersion();
  return cached;
}
