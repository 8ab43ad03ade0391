// The skeleton's app against real servers: a gRPC service and its ops server on free ports, closed in the one order.
import {
  credentials,
  Metadata,
  makeGenericClientConstructor,
  type ServiceDefinition,
  type ServiceError,
  status,
} from '@grpc/grpc-js';
import { healthV1 } from '@platform/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { DomainError } from './domain-error.js';
import { createGrpcServer } from './grpc-server.js';
import { grpcUnary } from './grpc-unary.js';
import { createHttpServer } from './http-server.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { createReadiness } from './readiness.js';
import { createServiceApp, type ServiceApp } from './service-app.js';

const serialize = (value: unknown) => Buffer.from(JSON.stringify(value));
const deserialize = (bytes: Buffer) => JSON.parse(String(bytes));
const definition: ServiceDefinition = {
  echo: {
    path: '/test.v1.EchoService/Echo',
    requestStream: false,
    responseStream: false,
    requestSerialize: serialize,
    requestDeserialize: deserialize,
    responseSerialize: serialize,
    responseDeserialize: deserialize,
  },
};
const EchoClient = makeGenericClientConstructor(definition, 'EchoService');
type Echo = { text: string };

const logger = createLogger({ service: 'test', level: 'silent' });
const config = { HOST: '127.0.0.1', SHUTDOWN_TIMEOUT_MS: 4_000 };

function echo(address: string, text: string): Promise<Echo> {
  const client = new EchoClient(address, credentials.createInsecure());
  return new Promise((resolve, reject) => {
    client.echo!(
      { text },
      new Metadata(),
      { deadline: Date.now() + 5_000 },
      (error: ServiceError | null, reply: Echo) => {
        client.close();
        if (error) reject(error);
        else resolve(reply);
      },
    );
  });
}

/** The server's health as a watch reports it (on a connection made before the drain: a new one is refused). */
function watchHealth(address: string): { serving: Promise<void>; notServing: Promise<void>; stop(): void } {
  const { SERVING, NOT_SERVING } = healthV1.HealthCheckResponse_ServingStatus;
  const client = new healthV1.HealthClient(address, credentials.createInsecure());
  const stream = client.watch({ service: '' });
  const seen = (wanted: number) =>
    new Promise<void>((resolve) => {
      stream.on('data', (response: healthV1.HealthCheckResponse) => {
        if (response.status === wanted) resolve();
      });
    });
  stream.on('error', () => {});
  return {
    serving: seen(SERVING),
    notServing: seen(NOT_SERVING),
    stop() {
      stream.cancel();
      client.close();
    },
  };
}

/** A gRPC service whose `hold` call waits until released, with a background worker and two closers. */
function buildEchoApp(events: string[], { failingCloser = false } = {}) {
  const metrics = createMetrics('test');
  const readiness = createReadiness();
  const grpc = createGrpcServer({ logger, metrics });
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let entered: () => void = () => {};
  const inside = new Promise<void>((resolve) => {
    entered = resolve;
  });
  const unary = grpcUnary(logger);
  grpc.addService('test.v1.EchoService', definition, {
    echo: unary<Echo, Echo>(async (call) => {
      if (call.request.text === 'missing') throw new DomainError('not-found', 'nothing called missing');
      if (call.request.text === 'hold') {
        entered();
        await held;
        events.push('held call answered');
      }
      return { text: call.request.text };
    }),
  });
  const app = createServiceApp({
    config,
    logger,
    readiness,
    http: { server: createHttpServer({ logger, metrics, readiness }), port: 0 },
    grpc: { server: grpc, port: 0 },
    background: [
      { name: 'sweeper', start: () => events.push('sweeper started'), stop: () => events.push('sweeper stopped') },
    ],
    closers: [
      {
        name: 'client',
        close: () => {
          events.push('client closed');
          if (failingCloser) throw new Error('broken');
        },
      },
      { name: 'pool', close: () => events.push('pool closed') },
    ],
  });
  return { app, release, inside };
}

describe('createServiceApp', () => {
  let opened: ServiceApp | undefined;
  afterEach(async () => {
    await opened?.close().catch(() => {});
    opened = undefined;
  });

  it('listens on free ports, starts its background work, and maps a domain error to its gRPC status', async () => {
    const events: string[] = [];
    const { app } = buildEchoApp(events);
    opened = app;
    const ports = await app.listen();
    expect(ports.grpc).toBeGreaterThan(0);
    expect(ports.http).toBeGreaterThan(0);
    expect(events).toEqual(['sweeper started']);
    expect(await echo(`127.0.0.1:${ports.grpc}`, 'hi')).toEqual({ text: 'hi' });
    await expect(echo(`127.0.0.1:${ports.grpc}`, 'missing')).rejects.toMatchObject({
      code: status.NOT_FOUND,
      details: 'nothing called missing',
    });
    expect((await app.http.inject({ url: '/readyz' })).statusCode).toBe(200);
  });

  it('closes in the one order: readiness 503, background, gRPC after its calls in flight, HTTP, closers', async () => {
    const events: string[] = [];
    const { app, release, inside } = buildEchoApp(events);
    opened = app;
    expect(app.shutdownSteps).toEqual(['sweeper', 'grpc', 'http', 'client', 'pool']);
    const { grpc, http } = await app.listen();
    const address = `127.0.0.1:${grpc}`;
    const call = echo(address, 'hold');
    await inside;
    const health = watchHealth(address);
    await health.serving;

    const closed = app.close();
    expect(app.readiness.isDraining).toBe(true);
    const ready = await fetch(`http://127.0.0.1:${http}/readyz`);
    expect(ready.status).toBe(503);
    await health.notServing;
    health.stop();
    expect(events).toEqual(['sweeper started', 'sweeper stopped']);

    release();
    expect(await call).toEqual({ text: 'hold' });
    await closed;
    expect(events).toEqual([
      'sweeper started',
      'sweeper stopped',
      'held call answered',
      'client closed',
      'pool closed',
    ]);
    await expect(fetch(`http://127.0.0.1:${http}/healthz`)).rejects.toThrow();
    expect(app.close()).toBe(closed);
  });

  it('runs every step when one fails, then rejects naming it', async () => {
    const events: string[] = [];
    const { app } = buildEchoApp(events, { failingCloser: true });
    await app.listen();
    await expect(app.close()).rejects.toThrow('could not close client');
    expect(events).toContain('pool closed');
  });
});
