// `npm run dev`'s loop on a fixture repository of real files and real processes: an edit in a shared package
// rebuilds it and restarts exactly the services that run it (through the platform's supervisor), an edit in one
// service restarts that one, and a failed build restarts nothing. The build is a stand-in (copy src to dist) for
// turbo, so the test is about the loop, not about tsc.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type DevLoop, type DevRound, startDevLoop } from '../src/dev-loop.js';
import { type Platform, startPlatform } from '../src/platform.js';
import type { ServiceDefinition } from '../src/services.js';
import { freePort } from './free-port.js';

const SERVICE_SOURCE = (greetingImport: string) => `import { createServer } from 'node:http';
${greetingImport}
const server = createServer((request, response) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ pid: process.pid, greeting }));
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

function writeFile(root: string, path: string, content: string) {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), content);
}

/** packages/kit (a shared package), services/hello (runs on kit) and services/other (does not). */
function fixtureRepo(): string {
  const root = mkdtempSync(join(tmpdir(), 'dev-loop-'));
  writeFile(root, 'packages/kit/package.json', JSON.stringify({ name: '@fixture/kit' }));
  writeFile(root, 'packages/kit/src/greeting.mjs', "export const greeting = 'hello';\n");
  writeFile(
    root,
    'services/hello/package.json',
    JSON.stringify({ name: '@fixture/hello', dependencies: { '@fixture/kit': '*' } }),
  );
  writeFile(
    root,
    'services/hello/src/main.mjs',
    SERVICE_SOURCE("import { greeting } from '../../../packages/kit/dist/greeting.mjs';"),
  );
  writeFile(root, 'services/other/package.json', JSON.stringify({ name: '@fixture/other' }));
  writeFile(root, 'services/other/src/main.mjs', SERVICE_SOURCE("const greeting = 'other';"));
  for (const dir of ['packages/kit', 'services/hello', 'services/other']) build(root, dir);
  return root;
}

/** The stand-in for turbo: src/ copied to dist/; a source containing BROKEN fails the build. */
function build(root: string, dir: string): boolean {
  const source = join(root, dir, 'src');
  if (JSON.stringify(sourcesOf(source)).includes('BROKEN')) return false;
  cpSync(source, join(root, dir, 'dist'), { recursive: true });
  return true;
}

function sourcesOf(dir: string): string[] {
  return ['greeting.mjs', 'main.mjs'].flatMap((file) => {
    try {
      return [readFileSync(join(dir, file), 'utf8')];
    } catch {
      return [];
    }
  });
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startFixture() {
  const root = fixtureRepo();
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  const table: ServiceDefinition[] = [];
  for (const name of ['hello', 'other']) {
    const port = await freePort();
    table.push({
      name,
      entry: `services/${name}/dist/main.mjs`,
      readyUrl: `http://127.0.0.1:${port}/`,
      env: { PORT: String(port) },
    });
  }
  const platform: Platform = await startPlatform({
    env: { PATH: process.env.PATH },
    dataDir: join(root, '.data'),
    databaseUrl: 'postgres://unused@127.0.0.1:1/unused',
    table,
    repoRoot: root,
    readyTimeoutMs: 15_000,
    logSink: () => {},
  });
  cleanups.push(() => platform.stop({ force: true }));
  const rounds: DevRound[] = [];
  const waiters: ((round: DevRound) => void)[] = [];
  const dirs = new Map([
    ['@fixture/kit', 'packages/kit'],
    ['@fixture/hello', 'services/hello'],
    ['@fixture/other', 'services/other'],
  ]);
  const loop: DevLoop = startDevLoop({
    repoRoot: root,
    platform,
    services: table,
    build: async ({ workspaces }) => workspaces.every((name) => build(root, dirs.get(name)!)),
    log: () => {},
    quietMs: 100,
    onRound: (round) => {
      rounds.push(round);
      waiters.shift()?.(round);
    },
  });
  cleanups.push(() => loop.close());
  const nextRound = () =>
    new Promise<DevRound>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no rebuild within 20 s of the edit')), 20_000);
      waiters.push((round) => {
        clearTimeout(timer);
        resolve(round);
      });
    });
  const ask = async (name: string) =>
    (await (await fetch(table.find((s) => s.name === name)!.readyUrl)).json()) as { pid: number; greeting: string };
  return { root, nextRound, ask };
}

describe('the dev loop', () => {
  it('an edit in a shared package rebuilds it and restarts the services that run it, and only those', async () => {
    const { root, nextRound, ask } = await startFixture();
    const before = { hello: await ask('hello'), other: await ask('other') };
    expect(before.hello.greeting).toBe('hello');

    const round = nextRound();
    writeFile(root, 'packages/kit/src/greeting.mjs', "export const greeting = 'hello again';\n");
    expect(await round).toMatchObject({ edited: ['@fixture/kit'], built: true, restarted: ['hello'] });

    const after = { hello: await ask('hello'), other: await ask('other') };
    expect(after.hello.pid).not.toBe(before.hello.pid);
    expect(after.hello.greeting).toBe('hello again');
    expect(after.other.pid).toBe(before.other.pid);
  });

  it("an edit in a service restarts that service; a failed build restarts nothing; tests' edits are ignored", async () => {
    const { root, nextRound, ask } = await startFixture();
    const first = await ask('other');

    let round = nextRound();
    writeFile(root, 'services/other/src/main.mjs', `${SERVICE_SOURCE("const greeting = 'edited';")}\n`);
    expect(await round).toMatchObject({ edited: ['@fixture/other'], restarted: ['other'] });
    const second = await ask('other');
    expect(second).toMatchObject({ greeting: 'edited' });
    expect(second.pid).not.toBe(first.pid);

    writeFile(root, 'services/other/src/main.test.ts', 'not the running code');
    round = nextRound();
    writeFile(root, 'services/other/src/main.mjs', '// BROKEN\n');
    expect(await round).toMatchObject({ edited: ['@fixture/other'], built: false, restarted: [] });
    expect(await ask('other')).toEqual(second);
  });
});
