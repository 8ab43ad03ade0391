import { connect } from 'node:net';
import { Writable } from 'node:stream';
import pg from 'pg';
import Type from 'typebox';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer, type HttpServer, type HttpTimeouts } from './http-server.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { HttpProblem } from './problem.js';
import { createReadiness } from './readiness.js';

function build(readiness = createReadiness(), timeouts: Partial<HttpTimeouts> = {}) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const logger = createLogger({ service: 'test', level: 'info', destination });
  const app = createHttpServer({ logger, metrics: createMetrics('test'), readiness, timeouts });
  app.post(
    '/things',
    { schema: { body: Type.Object({ name: Type.String({ minLength: 1 }) }, { additionalProperties: false }) } },
    async (request) => ({ name: request.body.name }),
  );
  app.get('/teapot', async () => {
    throw new HttpProblem(418, 'short and stout', { headers: { 'retry-after': '3' } });
  });
  // walks the body recursively, as a forwarding proxy or a logger would
  app.post('/walk', async (request) => ({ length: JSON.stringify(request.body).length }));
  app.get('/cached', async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=300');
    return { cached: true };
  });
  app.get('/boom', async () => {
    throw new Error('secret internals at /srv/app.js:12');
  });
  app.get('/stored', async () => {
    // a database that is not there: nothing listens on port 1
    const pool = new pg.Pool({ connectionString: 'postgres://app@127.0.0.1:1/app', connectionTimeoutMillis: 2_000 });
    try {
      return (await pool.query('SELECT 1')).rows;
    } finally {
      await pool.end();
    }
  });
  return { app, lines };
}

describe('createHttpServer', () => {
  let app: HttpServer | undefined;
  afterEach(async () => {
    await app?.close();
  });

  it('keeps a well-formed incoming request id and generates one otherwise', async () => {
    ({ app } = build());
    const kept = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    expect(kept.headers['x-request-id']).toBe('abc-123');
    const generated = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'bad id\n' } });
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reports the version it was given on /healthz', async () => {
    const logger = createLogger({ service: 'test', level: 'silent' });
    app = createHttpServer({ logger, metrics: createMetrics('test'), readiness: createReadiness(), version: '2.3.4' });
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    expect(response.json()).toEqual({ status: 'ok', version: '2.3.4' });
  });

  it('answers unknown routes with a 404 problem', async () => {
    ({ app } = build());
    const response = await app.inject({ method: 'GET', url: '/nope' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ type: 'about:blank', title: 'Not Found', status: 404 });
  });

  it('rejects unknown fields, malformed JSON and bodies over 1 MiB as problems', async () => {
    ({ app } = build());
    const unknown = await app.inject({ method: 'POST', url: '/things', payload: { name: 'a', extra: 1 } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().status).toBe(400);
    const malformed = await app.inject({
      method: 'POST',
      url: '/things',
      headers: { 'content-type': 'application/json' },
      payload: '{"name":',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.headers['content-type']).toContain('application/problem+json');
    const large = await app.inject({ method: 'POST', url: '/things', payload: { name: 'x'.repeat(1_100_000) } });
    expect(large.statusCode).toBe(413);
    expect(large.json().status).toBe(413);
  });

  it('renders HttpProblem with its headers and hides the text of unexpected errors', async () => {
    let lines: Record<string, unknown>[];
    ({ app, lines } = build());
    const teapot = await app.inject({ method: 'GET', url: '/teapot' });
    expect(teapot.statusCode).toBe(418);
    expect(teapot.headers['retry-after']).toBe('3');
    expect(teapot.json().detail).toBe('short and stout');
    const boom = await app.inject({ method: 'GET', url: '/boom' });
    expect(boom.statusCode).toBe(500);
    expect(boom.body).not.toContain('secret');
    expect(boom.body).not.toContain('/srv/app.js');
    expect(lines.some((line) => line.msg === 'request failed')).toBe(true);
  });

  it('answers 503 with Retry-After, not 500, when a route cannot reach its database', async () => {
    ({ app } = build());
    const response = await app.inject({ method: 'GET', url: '/stored' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 503, title: 'Service Unavailable' });
    expect(response.body).not.toContain('127.0.0.1');
  });

  it('logs one line per request with its request id, and none for probes', async () => {
    let lines: Record<string, unknown>[];
    ({ app, lines } = build());
    await app.inject({ method: 'GET', url: '/healthz' });
    await app.inject({ method: 'POST', url: '/things', payload: { name: 'a' }, headers: { 'x-request-id': 'r-1' } });
    const completed = lines.filter((line) => line.msg === 'request completed');
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({ requestId: 'r-1', service: 'test', route: '/things', statusCode: 200 });
  });

  it('serves RED metrics labelled by route, method and status', async () => {
    ({ app } = build());
    await app.inject({ method: 'POST', url: '/things', payload: { name: 'a' } });
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toMatch(
      /http_server_requests_total\{method="POST",route="\/things",status_code="200",service="test"\} 1/,
    );
    expect(metrics.body).toContain('http_server_request_duration_seconds_bucket');
    expect(metrics.body).toContain('process_cpu_seconds_total');
  });

  it('reports readiness from its checks and turns 503 once draining', async () => {
    let healthy = true;
    const readiness = createReadiness(200).add('dependency', async () => {
      if (!healthy) throw new Error('dependency down');
    });
    ({ app } = build(readiness));
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    healthy = false;
    const down = await app.inject({ method: 'GET', url: '/readyz' });
    expect(down.statusCode).toBe(503);
    expect(down.json().checks.dependency).toBe('dependency down');
    healthy = true;
    expect((await app.inject({ method: 'GET', url: '/healthz' })).headers.connection).not.toBe('close');
    readiness.drain();
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
    const draining = await app.inject({ method: 'GET', url: '/healthz' });
    expect(draining.statusCode).toBe(200);
    // so a keep-alive connection of a request in flight at shutdown cannot hold the server open
    expect(draining.headers.connection).toBe('close');
  });

  it('answers every response with the API security headers of the OWASP REST cheat sheet, and no-store by default', async () => {
    ({ app } = build());
    const answers = await Promise.all([
      app.inject({ method: 'GET', url: '/healthz' }),
      app.inject({ method: 'GET', url: '/nope' }),
      app.inject({ method: 'GET', url: '/boom' }),
      app.inject({ method: 'POST', url: '/things', payload: { name: '' } }),
    ]);
    for (const response of answers) {
      expect(response.headers, String(response.statusCode)).toMatchObject({
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'content-security-policy': "frame-ancestors 'none'",
        'content-type': expect.stringMatching(/^application\/(problem\+)?json/),
      });
    }
    // a route that means to be cached keeps its own Cache-Control
    const cached = await app.inject({ method: 'GET', url: '/cached' });
    expect(cached.headers['cache-control']).toBe('public, max-age=300');
    expect(cached.headers['x-content-type-options']).toBe('nosniff');
  });

  it('refuses a pathologically nested JSON body with a 400 problem before anything walks it', async () => {
    ({ app } = build());
    const depth = 100_000; // 200 KB, well within the body limit
    for (const payload of ['['.repeat(depth) + ']'.repeat(depth), `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`]) {
      const response = await app.inject({
        method: 'POST',
        url: '/walk',
        headers: { 'content-type': 'application/json' },
        payload,
      });
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json().detail).toMatch(/nests deeper than 32 levels/);
    }
    // brackets inside strings are data, not nesting; ordinary nesting passes
    const fine = await app.inject({
      method: 'POST',
      url: '/walk',
      payload: { text: '[[[[{{{{'.repeat(100), a: [[{ b: [1] }]] },
    });
    expect(fine.statusCode).toBe(200);
    const escaped = await app.inject({
      method: 'POST',
      url: '/walk',
      headers: { 'content-type': 'application/json' },
      payload: '{"quote":"\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}',
    });
    expect(escaped.statusCode).toBe(200);
  });

  it('takes JSON only: other media types get a 415 problem, poisoned prototypes a 400', async () => {
    ({ app } = build());
    const text = await app.inject({
      method: 'POST',
      url: '/walk',
      headers: { 'content-type': 'text/plain' },
      payload: 'hi',
    });
    expect(text.statusCode).toBe(415);
    expect(text.headers['content-type']).toContain('application/problem+json');
    const poisoned = await app.inject({
      method: 'POST',
      url: '/walk',
      headers: { 'content-type': 'application/json' },
      payload: '{"__proto__":{"admin":true}}',
    });
    expect(poisoned.statusCode).toBe(400);
  });

  describe('on a real socket', () => {
    const timeouts = { headersMs: 300, requestMs: 600, checkIntervalMs: 50 };

    /** Writes `parts` one by one, `gapMs` apart, and resolves with what the server sent and when it closed. */
    function dribble(port: number, parts: string[], gapMs: number) {
      return new Promise<{ received: string; closedBeforeEnd: boolean }>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1');
        let received = '';
        let sent = 0;
        socket.on('data', (chunk) => {
          received += chunk;
        });
        socket.on('error', () => {});
        const timer = setInterval(() => {
          if (socket.destroyed) return;
          if (sent < parts.length) socket.write(parts[sent++]!);
        }, gapMs);
        socket.on('close', () => {
          clearInterval(timer);
          resolve({ received, closedBeforeEnd: sent < parts.length });
        });
        setTimeout(() => {
          clearInterval(timer);
          socket.destroy();
          reject(new Error(`the server kept the connection open; received: ${received}`));
        }, 10_000);
      });
    }

    async function listen() {
      ({ app } = build(createReadiness(), timeouts));
      await app.listen({ host: '127.0.0.1', port: 0 });
      return (app.server.address() as { port: number }).port;
    }

    it('closes a connection whose headers are dribbled too slowly, with a 408 problem', async () => {
      const port = await listen();
      // one header line every 100 ms, forever: never a complete head
      const parts = ['GET /healthz HTTP/1.1\r\n', ...Array.from({ length: 80 }, (_, i) => `x-slow-${i}: y\r\n`)];
      const { received, closedBeforeEnd } = await dribble(port, parts, 100);
      expect(closedBeforeEnd).toBe(true);
      expect(received).toMatch(/^HTTP\/1\.1 408 /);
      expect(received).toContain('content-type: application/problem+json');
      expect(received).toContain('x-content-type-options: nosniff');
    });

    it('closes a connection whose body is dribbled too slowly', async () => {
      const port = await listen();
      const head = 'POST /things HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{';
      const parts = [head, ...Array.from({ length: 99 }, () => ' ')];
      const { received, closedBeforeEnd } = await dribble(port, parts, 100);
      expect(closedBeforeEnd).toBe(true);
      expect(received).toMatch(/^HTTP\/1\.1 408 /);
    });

    it('answers a request that is not HTTP with a 400 problem', async () => {
      const port = await listen();
      const { received } = await dribble(port, ['NOT HTTP AT ALL\r\n\r\n'], 10);
      expect(received).toMatch(/^HTTP\/1\.1 400 /);
      expect(received).toContain('"status":400');
    });
  });
});
