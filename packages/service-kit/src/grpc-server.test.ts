import {
  credentials,
  type handleUnaryCall,
  Metadata,
  makeGenericClientConstructor,
  type ServiceDefinition,
  status,
} from '@grpc/grpc-js';
import { healthV1 } from '@platform/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { clientChannelOptions, clientMetricsInterceptor } from './grpc-client.js';
import { createGrpcServer, type GrpcServer, GrpcStatusError } from './grpc-server.js';
import { createLogger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';

// A JSON-over-gRPC echo service keeps the kit's test independent of any one generated contract.
const serialize = (value: unknown) => Buffer.from(JSON.stringify(value));
const deserialize = (bytes: Buffer) => JSON.parse(String(bytes));
const echoDefinition: ServiceDefinition = {
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
const EchoClient = makeGenericClientConstructor(echoDefinition, 'EchoService');
const { ServingStatus } = { ServingStatus: healthV1.HealthCheckResponse_ServingStatus };

async function start(metrics: Metrics, echo: handleUnaryCall<{ text: string }, { text: string }>) {
  const server = createGrpcServer({ logger: createLogger({ service: 'test', level: 'silent' }), metrics });
  server.addService('test.v1.EchoService', echoDefinition, { echo });
  const port = await server.listen('127.0.0.1', 0);
  return { server, address: `127.0.0.1:${port}` };
}

function checkHealth(address: string, service: string): Promise<healthV1.HealthCheckResponse_ServingStatus> {
  const client = new healthV1.HealthClient(address, credentials.createInsecure());
  return new Promise((resolve, reject) => {
    client.check({ service }, new Metadata(), { deadline: Date.now() + 2_000 }, (error, response) => {
      client.close();
      if (error) reject(error);
      else resolve(response.status);
    });
  });
}

describe('createGrpcServer', () => {
  let server: GrpcServer | undefined;
  afterEach(async () => {
    await server?.shutdown(100);
    server = undefined;
  });

  it('records server and client metrics per method and code, and sends GrpcStatusError as its code', async () => {
    const metrics = createMetrics('test');
    let address: string;
    ({ server, address } = await start(metrics, (call, callback) => {
      if (call.request.text === 'nope') return callback(new GrpcStatusError(status.NOT_FOUND, 'no such thing'));
      callback(null, { text: call.request.text });
    }));
    const client = new EchoClient(address, credentials.createInsecure(), {
      interceptors: [clientMetricsInterceptor(metrics)],
    });
    const call = (text: string) =>
      new Promise<unknown>((resolve, reject) =>
        client.echo!({ text }, (error: Error | null, reply: unknown) => (error ? reject(error) : resolve(reply))),
      );
    expect(await call('hi')).toEqual({ text: 'hi' });
    await expect(call('nope')).rejects.toMatchObject({ code: status.NOT_FOUND, details: 'no such thing' });
    client.close();
    const text = await metrics.registry.metrics();
    const labels = 'grpc_service="test.v1.EchoService",grpc_method="Echo"';
    expect(text).toContain(`grpc_server_handled_total{${labels},grpc_code="OK",service="test"} 1`);
    expect(text).toContain(`grpc_server_handled_total{${labels},grpc_code="NOT_FOUND",service="test"} 1`);
    expect(text).toContain(`grpc_client_handled_total{${labels},grpc_code="OK",service="test"} 1`);
    expect(text).toContain('grpc_server_handling_seconds_bucket');
  });

  it('serves grpc.health.v1: SERVING while up, NOT_SERVING once shutdown begins, while a call drains', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let address: string;
    ({ server, address } = await start(createMetrics('test'), async (call, callback) => {
      await held;
      callback(null, { text: call.request.text });
    }));
    expect(await checkHealth(address, '')).toBe(ServingStatus.SERVING);
    expect(await checkHealth(address, 'test.v1.EchoService')).toBe(ServingStatus.SERVING);

    const client = new EchoClient(address, credentials.createInsecure());
    const inFlight = new Promise<unknown>((resolve, reject) =>
      client.echo!({ text: 'slow' }, (error: Error | null, reply: unknown) => (error ? reject(error) : resolve(reply))),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const draining = server.shutdown(5_000);
    release();
    expect(await inFlight).toEqual({ text: 'slow' });
    await draining;
    client.close();
    server = undefined;
  });

  it('reports NOT_SERVING to a watcher when shutdown begins', async () => {
    let address: string;
    ({ server, address } = await start(createMetrics('test'), (call, callback) => callback(null, call.request)));
    const client = new healthV1.HealthClient(address, credentials.createInsecure());
    const seen: healthV1.HealthCheckResponse_ServingStatus[] = [];
    const stream = client.watch({ service: 'test.v1.EchoService' });
    const notServing = new Promise<void>((resolve) => {
      stream.on('data', (response: healthV1.HealthCheckResponse) => {
        seen.push(response.status);
        if (response.status === ServingStatus.NOT_SERVING) resolve();
      });
      stream.on('error', () => {});
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const shutdown = server.shutdown(200);
    await notServing;
    stream.cancel();
    await shutdown;
    client.close();
    server = undefined;
    expect(seen).toEqual([ServingStatus.SERVING, ServingStatus.NOT_SERVING]);
  });

  it('spreads a client channel over every replica of its target and fails no call while one drains', async () => {
    const metrics = createMetrics('test');
    const served: string[] = [];
    const replica = (name: string) =>
      start(metrics, (call, callback) => {
        served.push(name);
        callback(null, { text: call.request.text });
      });
    const [a, b] = await Promise.all([replica('a'), replica('b')]);
    // what compose's DNS gives for a scaled service: one address per replica
    const client = new EchoClient(`ipv4:${a.address},${b.address}`, credentials.createInsecure(), clientChannelOptions);
    const echo = (text: string) =>
      new Promise<string>((resolve, reject) => {
        client.echo!({ text }, { deadline: Date.now() + 5_000 }, (error: Error | null, response: { text: string }) =>
          error ? reject(error) : resolve(response.text),
        );
      });
    try {
      for (let i = 0; i < 20; i++) await echo(`warm ${i}`);
      expect(new Set(served)).toEqual(new Set(['a', 'b']));

      // replica a drains and goes while calls keep coming: every one is answered, by b once a is gone
      served.length = 0;
      const calls: Promise<string>[] = [];
      const draining = a.server.shutdown(2_000);
      for (let i = 0; i < 40; i++) {
        calls.push(echo(`call ${i}`));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await draining;
      const answers = await Promise.allSettled(calls);
      expect(answers.filter((answer) => answer.status === 'rejected')).toEqual([]);
      expect(served.at(-1)).toBe('b');
    } finally {
      client.close();
      await Promise.all([a.server.shutdown(100), b.server.shutdown(100)]);
    }
  });
});
