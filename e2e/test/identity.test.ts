// Identity under attack, against the real processes: concurrent password guesses through the gateway (counted as
// password checks in auth's own metrics, never timed), tokens that are never cacheable, a /readyz flood that does not
// reach auth, and hostile input on every HTTP port of the platform answered with a problem, never a 500.
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { offsetPorts } from '@platform/launcher';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, uniqueEmail } from '../src/http-client.js';
import { PORT_OFFSET, preferredDatabase, startTestPlatform, type TestPlatform } from '../src/test-platform.js';

const MAX_FAILURES = 5;
let platform: TestPlatform;
const api = createApiClient(() => platform.gatewayUrl);
const ports = offsetPorts(PORT_OFFSET);
const local = (port: number) => `http://127.0.0.1:${port}`;
/** Every HTTP port of the platform: the public gateway, auth, and the ops ports of catalog and orders. */
const httpPorts = {
  gateway: ports.gateway,
  auth: ports.auth,
  'catalog ops': ports.catalogOps,
  'orders ops': ports.ordersOps,
};

beforeAll(async () => {
  platform = await startTestPlatform({
    database: preferredDatabase(),
    // the checked guesses queue for one hashing slot each: on a busy machine that can outlast the default 5 s
    env: { LOGIN_MAX_FAILURES: String(MAX_FAILURES), AUTH_TIMEOUT_MS: '30000' },
  });
});
afterAll(async () => {
  await platform?.close();
});

async function metric(port: number, pattern: RegExp): Promise<number> {
  const text = await (await fetch(`${local(port)}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => pattern.test(line))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

const passwordChecks = () => metric(ports.auth, /^auth_password_checks_total/);

describe('password guessing', () => {
  it(`checks at most ${MAX_FAILURES} passwords of 60 concurrent guesses at one account, then refuses the right one too`, async () => {
    const email = uniqueEmail('target');
    const password = 'correct horse battery staple';
    expect((await api('POST', '/api/auth/register', { body: { email, password } })).status).toBe(201);
    const before = await passwordChecks();

    const guesses = await Promise.all(
      Array.from({ length: 60 }, (_, i) => api('POST', '/api/auth/login', { body: { email, password: `guess-${i}` } })),
    );
    const checked = (await passwordChecks()) - before;
    const statuses = guesses.map((guess) => guess.status);
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThanOrEqual(MAX_FAILURES);
    // a guess whose password derivation waited too long for its slot (a busy machine) is a 503, never checked
    const busy = statuses.filter((status) => status === 503).length;
    expect(statuses.filter((status) => ![401, 429, 503].includes(status))).toEqual([]);
    expect(statuses.filter((status) => status === 401)).toHaveLength(checked);
    expect(statuses.filter((status) => status === 429)).toHaveLength(60 - checked - busy);
    for (const refused of guesses.filter((guess) => guess.status === 429 || guess.status === 503)) {
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
    }

    const right = await api('POST', '/api/auth/login', { body: { email, password } });
    expect(right.status).toBe(429);
    expect(await passwordChecks()).toBe(before + checked);
  });
});

describe('tokens', () => {
  it('answers login and refresh uncacheable, with the API security headers, through the gateway', async () => {
    const email = uniqueEmail('cache');
    const password = 'correct horse battery staple';
    await api('POST', '/api/auth/register', { body: { email, password } });
    const login = await api('POST', '/api/auth/login', { body: { email, password } });
    const refresh = await api('POST', '/api/auth/refresh', { body: { refreshToken: login.json.refreshToken } });
    for (const answer of [login, refresh]) {
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.headers.get('pragma')).toBe('no-cache');
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('x-frame-options')).toBe('DENY');
      expect(answer.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
    }
    const header = JSON.parse(Buffer.from(login.json.accessToken.split('.')[0], 'base64url').toString());
    expect(header.typ).toBe('at+jwt');
  });
});

describe('ops routes on the public port', () => {
  it('answers a flood of /readyz without a JWKS fetch from auth for each', async () => {
    const jwksServed = () => metric(ports.auth, /^http_server_requests_total\{[^}]*route="\/\.well-known\/jwks\.json"/);
    const before = await jwksServed();
    const probes = await Promise.all(Array.from({ length: 100 }, () => fetch(`${platform.gatewayUrl}/readyz`)));
    expect(probes.every((probe) => probe.status === 200)).toBe(true);
    // READINESS_CACHE_MS (5 s): one fetch at most for the flood, two if it straddled an expiry
    expect((await jwksServed()) - before).toBeLessThanOrEqual(2);
  });
});

describe.each(Object.entries(httpPorts))('hostile input on the %s port', (_name, port) => {
  const base = local(port);
  const depth = 100_000;
  const bodies: [string, string, string][] = [
    ['deeply nested', 'application/json', `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`],
    ['malformed JSON', 'application/json', '{"email":'],
    ['poisoned prototype', 'application/json', '{"__proto__":{"admin":true}}'],
    ['not JSON at all', 'text/plain', 'hello'],
    ['over 1 MiB', 'application/json', JSON.stringify({ a: 'x'.repeat(1_100_000) })],
  ];
  // a JSON route of the port where there is one, else an unknown path (404 must be a problem too)
  const path = port === ports.gateway || port === ports.auth ? '/api/auth/login' : '/internal/anything';

  it.each(bodies)('answers a %s body with a 4xx problem and the security headers', async (_kind, type, body) => {
    const response = await fetch(base + path, { method: 'POST', headers: { 'content-type': type }, body });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(((await response.json()) as { status: number }).status).toBe(response.status);
  });

  it('answers a request that is not HTTP with a 400 problem and closes the connection', async () => {
    const received = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk;
      });
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
      socket.write('GARBAGE / NOT-HTTP\r\n\r\n');
    });
    expect(received).toMatch(/^HTTP\/1\.1 400 /);
    expect(received).toContain('application/problem+json');
  });

  it('answers headers larger than the server takes with 431', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const call = httpRequest(`${base}/healthz`, { headers: { 'x-big': 'y'.repeat(20_000) } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      call.on('error', reject);
      call.end();
    });
    expect(status).toBe(431);
  });
});
