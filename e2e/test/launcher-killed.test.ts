// `npm start` killed with SIGKILL (a closed terminal, an OOM kill): nothing it started lives on holding the ports or
// the data directory, and the next start comes up with every user and order, with no manual step.
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { createApiClient, newUser } from '../src/http-client.js';
import { waitGone } from '../src/process-state.js';
import { makeDataDir, PORT_OFFSET, startTestPlatform, type TestPlatform } from '../src/test-platform.js';

const main = fileURLToPath(new URL('../src/platform.main.ts', import.meta.url));
let gatewayUrl = '';
const api = createApiClient(() => gatewayUrl);
let restarted: TestPlatform | undefined;
const dataDir = await makeDataDir('platform-killed-');

afterAll(async () => {
  await restarted?.close();
  await rm(dataDir, { recursive: true, force: true });
});

it('leaves no process behind when the launcher is killed with SIGKILL, and starts again with the data', async () => {
  const launcher = spawn(
    process.execPath,
    ['--import', 'tsx', main, JSON.stringify({ dataDir, portOffset: PORT_OFFSET })],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise((resolve) => launcher.once('exit', resolve));
  const output: string[] = [];
  createInterface({ input: launcher.stderr! }).on('line', (line) => output.push(line));
  let announced: { gatewayUrl: string; pids: Record<string, number> } | undefined;
  for await (const line of createInterface({ input: launcher.stdout! })) {
    announced = JSON.parse(line);
    break;
  }
  if (!announced) throw new Error(`the platform did not start:\n${output.slice(-30).join('\n')}`);
  gatewayUrl = announced.gatewayUrl;
  const user = await newUser(api, 'outlived');
  const product = (await api('GET', '/api/catalog/products')).json.items[0];
  const order = await api('POST', '/api/orders', {
    token: user.accessToken,
    body: { items: [{ productId: product.id, quantity: 1 }] },
  });
  expect(order.status).toBe(201);

  launcher.kill('SIGKILL');
  await exited;
  const killed = performance.now();
  // the services see their IPC channel close and shut down; the server gets its parent-death signal (Linux; elsewhere
  // the next start stops it)
  const survivors: string[] = [];
  for (const [name, pid] of Object.entries(announced.pids)) {
    if (name === 'postgres' && process.platform !== 'linux') continue;
    if (!(await waitGone(pid, 20_000))) survivors.push(name);
  }
  expect(survivors).toEqual([]);
  const allGone = performance.now() - killed;

  const restarting = performance.now();

  restarted = await startTestPlatform({ database: 'embedded', dataDir });
  gatewayUrl = restarted.gatewayUrl;
  console.log(
    `launcher killed with SIGKILL: its services and server gone ${Math.round(allGone)} ms later; ` +
      `the next start ready in ${Math.round(performance.now() - restarting)} ms`,
  );
  const login = await api('POST', '/api/auth/login', { body: { email: user.email, password: user.password } });
  expect(login.status).toBe(200);
  const mine = await api('GET', '/api/orders', { token: login.json.accessToken });
  expect(mine.json.items.map((o: { id: string }) => o.id)).toEqual([order.json.id]);
  expect(restarted.logs.some((line) => /previous run \(pid \d+\) did not stop cleanly/.test(line))).toBe(true);
}, 240_000);
