// The key rotation procedures of the deployments, against the real auth process (node dist/main.js) and its JWKS:
// scripts/k8s/make-secrets.sh rotate-jwt (the jwt-signing-keys Secret, mounted as k8s/base/kustomization.yaml maps
// it) and compose's secrets-init rotate-jwt (its secrets volume). A verifier that keeps the JWKS and never refetches
// for an unknown kid, as Istio's edge does for 5 minutes, must accept every token signed after a rotation; tokens
// signed before stay valid after a normal rotation and are refused at once after an emergency one.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFile, mkdir, mkdtemp, readFile, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createJwtVerifier, type JwtVerifier, TokenError } from '@platform/auth-kit';
import { openTestDatabase, type TestDatabase } from '@platform/test-databases';
import { databases, serviceClients, services } from '@platform/topology';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { preferredDatabase } from '../src/test-platform.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const AUTH_MAIN = join(REPO, 'services/auth/dist/main.js');
const ISSUER = 'http://localhost:8080';
const run = promisify(execFile);

let database: TestDatabase;
let scratch: string;
const processes: ChildProcess[] = [];
const verifiers: JwtVerifier[] = [];

beforeAll(async () => {
  database = await openTestDatabase(preferredDatabase());
  scratch = await mkdtemp(join(tmpdir(), 'key-rotation-'));
});
afterEach(async () => {
  for (const child of processes.splice(0)) await stop(child);
});
afterAll(async () => {
  for (const verifier of verifiers) verifier.close();
  await database?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** Starts auth on a free loopback port with the key ring in `keysDir`; resolves with its URL once it listens. */
async function startAuth(keysDir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [AUTH_MAIN], {
    env: {
      PATH: process.env.PATH,
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: database.url,
      DATA_DIR: scratch,
      JWT_KEYS_DIR: keysDir,
      PUBLIC_URL: ISSUER,
      LOG_LEVEL: 'info',
      // the test logs in many times from one address; the throttle is not what is tested here
      LOGIN_MAX_FAILURES_PER_IP: '100000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  processes.push(child);
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`auth exited with ${code} before listening:\n${output}`)));
  });
  return { url, child };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

const post = (url: string, body: object) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

let users = 0;
async function tokenFrom(url: string): Promise<string> {
  const email = `rotation-${process.pid}-${++users}@example.com`;
  const password = 'correct horse battery staple';
  expect((await post(`${url}/api/auth/register`, { email, password })).status).toBe(201);
  const login = await post(`${url}/api/auth/login`, { email, password });
  expect(login.status).toBe(200);
  return ((await login.json()) as { accessToken: string }).accessToken;
}

const kidOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid as string;
const published = async (url: string) =>
  ((await (await fetch(`${url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
const me = async (url: string, token: string) =>
  (await fetch(`${url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } })).status;
const reasonOf = (verification: Promise<unknown>) =>
  verification.then(
    () => 'accepted',
    (error: unknown) => (error instanceof TokenError ? error.reason : String(error)),
  );
/** As if the next key had been published for longer than verifiers keep a JWKS. */
const agePublished = (file: string) => utimes(file, new Date(Date.now() - 600_000), new Date(Date.now() - 600_000));

/** Like Istio's edge: keeps the first JWKS it fetched and never refetches, even for an unknown kid. */
function edgeVerifier(url: string): JwtVerifier {
  const verifier = createJwtVerifier({
    jwksUrl: `${url}/.well-known/jwks.json`,
    issuer: ISSUER,
    audience: 'platform-api',
    jwksRefetchIntervalMs: 3_600_000,
    jwksMaxAgeMs: 3_600_000,
  });
  verifiers.push(verifier);
  return verifier;
}

/** The procedure: `mount` lays the keys out as auth sees them, `rotate` runs the tool's step; auth restarts between. */
async function proveSequence(
  keysDir: string,
  mount: () => Promise<void>,
  rotate: (emergency: boolean) => Promise<void>,
) {
  await mount();
  const before = await startAuth(keysDir);
  const [current, next] = await published(before.url);
  const oldToken = await tokenFrom(before.url);
  expect(kidOf(oldToken)).toBe(current);
  const edge = edgeVerifier(before.url);
  expect(await reasonOf(edge.verify(oldToken))).toBe('accepted');
  await stop(before.child);

  await rotate(false);
  await mount();
  const after = await startAuth(keysDir);
  const newToken = await tokenFrom(after.url);
  // the key that signs now is the one the edge has had all along
  expect(kidOf(newToken)).toBe(next);
  expect(await reasonOf(edge.verify(newToken))).toBe('accepted');
  const keys = await published(after.url);
  expect(keys[0]).toBe(next);
  expect(keys).toContain(current);
  expect(await reasonOf(edgeVerifier(after.url).verify(oldToken))).toBe('accepted');
  expect(await me(after.url, oldToken)).toBe(200);
  await stop(after.child);

  await rotate(true);
  await mount();
  const emergency = await startAuth(keysDir);
  expect(await published(emergency.url)).not.toContain(next);
  expect(await me(emergency.url, newToken)).toBe(401);
  expect(await reasonOf(edgeVerifier(emergency.url).verify(newToken))).toBe('unknown-kid');
  expect(await me(emergency.url, await tokenFrom(emergency.url))).toBe(200);
  await stop(emergency.child);

  // auth never holds a private key but the current one
  for (const file of ['next.pem', 'previous.pem']) {
    expect(await readFile(join(keysDir, file), 'utf8')).not.toContain('PRIVATE');
  }
}

describe('key rotation with the deployment tools, against the auth process', () => {
  it('rotates the Kubernetes Secret in steps (scripts/k8s/make-secrets.sh rotate-jwt)', async () => {
    const secrets = join(scratch, 'k8s-secrets');
    const mounted = join(scratch, 'k8s-mount');
    await run('bash', [join(REPO, 'scripts/k8s/make-secrets.sh'), secrets]);
    await proveSequence(
      mounted,
      // what the secretGenerator of k8s/base/kustomization.yaml puts into the jwt-signing-keys Secret
      async () => {
        await mkdir(mounted, { recursive: true });
        await copyFile(join(secrets, 'jwt-current-key.pem'), join(mounted, 'current.pem'));
        await copyFile(join(secrets, 'jwt-next-key.pub.pem'), join(mounted, 'next.pem'));
        await copyFile(join(secrets, 'jwt-previous-key.pub.pem'), join(mounted, 'previous.pem'));
      },
      async (emergency) => {
        await agePublished(join(secrets, 'jwt-next-key.pem'));
        const args = ['rotate-jwt', ...(emergency ? ['--emergency'] : []), secrets];
        await run('bash', [join(REPO, 'scripts/k8s/make-secrets.sh'), ...args]);
      },
    );
  }, 120_000);

  it("rotates compose's secrets volume in steps (secrets-init rotate-jwt)", async () => {
    const root = join(scratch, 'compose-secrets');
    // what docker-compose.yml hands secrets-init, from the platform's list (test:k8s holds compose to it)
    const withDatabase = databases(services).map((d) => d.service);
    const clients = serviceClients(services);
    for (const consumer of ['postgres', 'auth', 'auth-keyring', ...withDatabase, ...clients.map((c) => c.clientId)]) {
      await mkdir(join(root, consumer), { recursive: true });
    }
    const generate = (...args: string[]) =>
      run(process.execPath, [join(REPO, 'compose/secrets-init/generate.mjs'), ...args], {
        env: {
          PATH: process.env.PATH,
          SECRETS_ROOT: root,
          PLATFORM_DATABASES: withDatabase.join(' '),
          PLATFORM_SERVICE_CLIENTS: clients.map((c) => `${c.clientId}=${c.audiences.join(',')}`).join(' '),
        },
      });
    await generate();
    await proveSequence(
      join(root, 'auth'),
      async () => {},
      async (emergency) => {
        await agePublished(join(root, 'auth-keyring/next.pem'));
        await generate('rotate-jwt', ...(emergency ? ['--emergency'] : []));
      },
    );
  }, 120_000);
});
