// The bundler on a small service written to a temporary folder: what it inlines, what it leaves in node_modules,
// that a dynamic import stays a later load, that paths from import.meta.url still hold, and its errors.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BundleError, bundleService, packageOf } from '../src/bundle-service.js';
import { runCli } from '../src/cli.js';

const run = promisify(execFile);
let root: string;
let serviceDir: string;

async function write(path: string, text: string) {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), text);
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'service-bundler-'));
  serviceDir = join(root, 'services/shop');
  // an inlined CommonJS package that requires a built-in, and a runtime one (pg) that says when it loads
  await write('node_modules/left-pad/package.json', '{"name":"left-pad","main":"index.js"}');
  await write(
    'node_modules/left-pad/index.js',
    "const { EOL } = require('node:os'); module.exports = (s) => '>' + s + (EOL === '\\n' ? '' : '');",
  );
  await write('node_modules/pg/package.json', '{"name":"pg","main":"index.js"}');
  await write('node_modules/pg/index.js', "console.log('pg loaded'); module.exports = { Pool: class {} };");
  await write('services/shop/package.json', '{"name":"shop","version":"1.2.3","type":"module"}');
  await write('services/shop/views/page.txt', 'a page');
  await write(
    'services/shop/dist/main.js',
    "import pad from 'left-pad';\nconsole.log('main ' + pad('x'));\nconst { start } = await import('./app.js');\nawait start();\n",
  );
  await write(
    'services/shop/dist/app.js',
    [
      "import { readFile } from 'node:fs/promises';",
      "import pg from 'pg';",
      "const views = new URL('../views/', import.meta.url);",
      "export async function start() { console.log('app ' + typeof pg.Pool + ' ' + (await readFile(new URL('page.txt', views), 'utf8'))); }",
    ].join('\n'),
  );
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('bundleService', () => {
  it('writes bundle/main.mjs that runs as the modules did: packages inlined, pg loaded from node_modules after main', async () => {
    const result = await bundleService({ serviceDir });

    expect(result.entry).toBe(join(serviceDir, 'bundle/main.mjs'));
    expect(result.inlinedPackages).toEqual(['left-pad']);
    const { stdout } = await run(process.execPath, [result.entry], { cwd: serviceDir });
    // the dynamic import is still a later load: pg after main's own line, the view found beside the bundle
    expect(stdout.trim().split('\n')).toEqual(['main >x', 'pg loaded', 'app function a page']);
    const code = await Promise.all(
      result.outputs.filter((o) => o.file.endsWith('.mjs')).map((o) => readFile(join(serviceDir, o.file), 'utf8')),
    );
    expect(code.join('\n')).toContain('from "pg"');
    expect(code.join('\n')).not.toContain("console.log('pg loaded')");
  });

  it('removes the chunks of an earlier build', async () => {
    await write('services/shop/bundle/app-OLD.mjs', 'export {}');
    await bundleService({ serviceDir });
    const files = await readdir(join(serviceDir, 'bundle'));
    expect(files).not.toContain('app-OLD.mjs');
    expect(files).toContain('main.mjs');
  });

  it('refuses a package that builds paths from __dirname, naming it and the flag that leaves it out', async () => {
    await write('node_modules/assets/package.json', '{"name":"@acme/assets","main":"index.js"}');
    await write(
      'node_modules/assets/index.js',
      "const { join } = require('node:path'); module.exports = () => join(__dirname, 'logo.svg');",
    );
    await write('services/shop/dist/app.js', "import logo from 'assets';\nexport async function start() { logo(); }\n");

    const failure = await bundleService({ serviceDir }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BundleError);
    expect((failure as Error).message).toMatch(/^assets \(.*node_modules\/assets\/index\.js\) reads files beside/);
    expect((failure as Error).message).toContain('--external assets');

    const result = await bundleService({ serviceDir, external: ['assets'] });
    expect(result.inlinedPackages).not.toContain('assets');
  });

  it('fails with the service folder named when there is no built entry', async () => {
    await rm(join(serviceDir, 'dist'), { recursive: true });
    await expect(bundleService({ serviceDir })).rejects.toThrow(`bundle of ${serviceDir} failed`);
  });
});

describe('packageOf', () => {
  it.each([
    ['node_modules/fastify/lib/route.js', 'fastify'],
    ['../../node_modules/@fastify/cors/index.js', '@fastify/cors'],
    ['node_modules/a/node_modules/b/index.js', 'b'],
    ['dist/app.js', undefined],
  ])('%s -> %s', (path, name) => {
    expect(packageOf(path)).toBe(name);
  });
});

describe('runCli', () => {
  it('says what it wrote, and exits 0', async () => {
    const lines: string[] = [];
    const code = await runCli([], serviceDir, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
    expect(code).toBe(0);
    expect(lines).toEqual([
      expect.stringMatching(/^bundle-service: bundle\/main\.mjs \(\d+ KiB of code, 1 packages inlined\)$/),
    ]);
    expect(existsSync(join(serviceDir, 'bundle/main.mjs'))).toBe(true);
  });

  it('takes --external as a list', async () => {
    const code = await runCli(['--external', 'left-pad,other'], serviceDir, { out: () => {}, err: () => {} });
    expect(code).toBe(0);
    const main = await readFile(join(serviceDir, 'bundle/main.mjs'), 'utf8');
    expect(main).toContain('from "left-pad"');
  });

  it('exits 2 with the usage on an unknown option', async () => {
    const errors: string[] = [];
    const code = await runCli(['--minify'], serviceDir, { out: () => {}, err: (l) => errors.push(l) });
    expect(code).toBe(2);
    expect(errors[0]).toContain('usage: bundle-service [--external');
  });
});
