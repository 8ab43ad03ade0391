// One service's bundle: esbuild from its built entry (dist/main.js) to bundle/main.mjs, with each dynamic import
// (main.ts imports its app only once tracing has started) kept as a chunk of its own, so the order of loading stays
// what the modules say. bundle/ sits beside dist/, so a path a module builds from import.meta.url
// (`new URL('../views/', import.meta.url)`) points where it did.
import { readFile, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { RUNTIME_PACKAGES } from './runtime-packages.js';

export interface BundleOptions {
  /** The service's package folder (services/<name>), holding dist/main.js. */
  serviceDir: string;
  /** Packages to leave in node_modules beyond RUNTIME_PACKAGES (one that reads files beside its code). */
  external?: readonly string[];
}

export interface BundleResult {
  /** bundle/main.mjs, absolute. */
  entry: string;
  /** Every file written, relative to the service folder, with its size. */
  outputs: { file: string; bytes: number }[];
  /** The inlined packages of node_modules, by name. */
  inlinedPackages: string[];
}

export class BundleError extends Error {
  override name = 'BundleError';
}

export const BUNDLE_DIR = 'bundle';
export const BUNDLE_ENTRY = `${BUNDLE_DIR}/main.mjs`;

// esbuild turns a CommonJS `require` of a Node built-in into a call of this one, which an ES module has not by itself
const REQUIRE_BANNER =
  "import { createRequire as __bundleCreateRequire } from 'node:module'; const require = __bundleCreateRequire(import.meta.url);";

export async function bundleService(options: BundleOptions): Promise<BundleResult> {
  const external = [...RUNTIME_PACKAGES, ...(options.external ?? [])];
  const readsOwnFiles = new Set<string>();
  // a chunk of an earlier build would stay beside the new ones, and in the image
  await rm(join(options.serviceDir, BUNDLE_DIR), { recursive: true, force: true });
  const result = await build({
    absWorkingDir: options.serviceDir,
    entryPoints: { main: join(options.serviceDir, 'dist/main.js') },
    outdir: join(options.serviceDir, BUNDLE_DIR),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external,
    banner: { js: REQUIRE_BANNER },
    // linked maps without the sources: stack traces map back to src/*.ts under --enable-source-maps (npm start)
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
    plugins: [findFileReaders(readsOwnFiles)],
  }).catch((error: unknown) => {
    throw new BundleError(`bundle of ${options.serviceDir} failed: ${(error as Error).message}`);
  });
  if (readsOwnFiles.size > 0) {
    const names = [...readsOwnFiles].sort();
    throw new BundleError(
      `${names.join(', ')} read${names.length === 1 ? 's' : ''} files beside ${names.length === 1 ? 'its' : 'their'} own code (__dirname), which a bundle moves away from them: leave ${names.length === 1 ? 'it' : 'them'} in node_modules with --external ${names.join(',')}`,
    );
  }
  const outputs = Object.entries(result.metafile.outputs).map(([file, output]) => ({
    file: relative(options.serviceDir, join(options.serviceDir, file)),
    bytes: output.bytes,
  }));
  const inlined = new Set<string>();
  for (const input of Object.keys(result.metafile.inputs)) {
    const name = packageOf(input);
    if (name) inlined.add(name);
  }
  return { entry: join(options.serviceDir, BUNDLE_ENTRY), outputs, inlinedPackages: [...inlined].sort() };
}

/** The package a path inside node_modules belongs to (`@scope/name` or `name`), else undefined. */
export function packageOf(path: string): string | undefined {
  const at = `/${path}`.lastIndexOf('/node_modules/');
  if (at < 0) return undefined;
  const [first, second] = path.slice(at + 'node_modules/'.length).split('/');
  if (!first || !second) return undefined;
  return first.startsWith('@') ? `${first}/${second}` : first;
}

// `join(__dirname, ...)`, `resolve(__dirname, ...)`, `${__dirname}/...`, `__dirname + '/...'`: a file beside the code
// (a mere `typeof __filename` check, as undici makes for its stack traces, is harmless)
const FILE_PATH_FROM_OWN_FOLDER = /(?:join|resolve)\(\s*__dirname\b|\$\{__dirname\}|\b__dirname\s*\+/;

/**
 * Collects the inlined packages whose code builds a path from __dirname: an ES module bundle has no __dirname, and
 * the file it points to would not be beside the bundle anyway. Found at build time, not when a request first takes
 * that path.
 */
function findFileReaders(found: Set<string>): Plugin {
  return {
    name: 'find-file-readers',
    setup(builder) {
      builder.onLoad({ filter: /[/\\]node_modules[/\\].*\.(?:c?js)$/ }, async (args) => {
        const contents = await readFile(args.path, 'utf8');
        if (FILE_PATH_FROM_OWN_FOLDER.test(contents)) {
          const name = packageOf(args.path.replaceAll('\\', '/'));
          if (name) found.add(`${name} (${relative(process.cwd(), args.path)})`);
        }
        return { contents, loader: 'js' };
      });
    },
  };
}
