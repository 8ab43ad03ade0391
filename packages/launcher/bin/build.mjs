#!/usr/bin/env node
// What `npm start` and `npm run dev` run first: `turbo run build`, showing its progress instead of minutes of
// silence on a first build (each task as it starts, from cache or building, the time so far, a heartbeat while tsc
// works), and every line of a failing task. Arguments are passed on to turbo (e.g. --filter). Plain JavaScript, because it runs before anything is built.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const started = Date.now();
const elapsed = () => {
  const seconds = Math.round((Date.now() - started) / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
};
const say = (message) => process.stdout.write(`build    | ${elapsed()} ${message}\n`);

const tasks = { built: 0, cached: 0 };
let last = '';
const child = spawn(
  fileURLToPath(new URL('../../../node_modules/.bin/turbo', import.meta.url)),
  ['run', 'build', '--output-logs=new-only', '--log-order=stream', ...process.argv.slice(2)],
  { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' } },
);
// tsc says nothing while it works (and turbo not when a task ends): a heartbeat every 10 s
const heartbeat = setInterval(() => {
  if (tasks.built > 0) say(`still building (${tasks.built} task(s) started, the latest ${last})`);
}, 10_000);

const onLine = (line) => {
  const task = line.match(/^(\S+:\w+): cache (hit|miss|bypass)/);
  if (task) {
    const [, name, kind] = task;
    if (kind === 'hit') {
      tasks.cached += 1;
    } else {
      tasks.built += 1;
      last = name;
      say(`${name} building`);
    }
    return;
  }
  const summary = line.match(/^\s*Tasks:\s+(.*)$/);
  if (summary) {
    clearInterval(heartbeat);
    say(`${summary[1].trim()} (${tasks.built} built, ${tasks.cached} from cache)`);
    return;
  }
  // the npm script banner of each task is noise; anything else (a compiler error) is worth reading
  if (/^\S+:\w+: (> |$)/.test(line) || /^\s*(Cached|Time|• Packages|• Running|• Remote|turbo \d)/.test(line)) return;
  if (line.trim() !== '') process.stdout.write(`build    | ${line}\n`);
};
createInterface({ input: child.stdout }).on('line', onLine);
createInterface({ input: child.stderr }).on('line', onLine);
say('building the platform (the first build takes a few minutes on 2 cores; later ones replay turbo’s cache)');
child.on('close', (code) => {
  clearInterval(heartbeat);
  if (code !== 0) say(`the build failed (turbo exited ${code}); see the errors above`);
  process.exit(code ?? 1);
});
