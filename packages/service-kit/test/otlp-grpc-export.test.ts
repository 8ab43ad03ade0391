// A real service process started with OTEL_EXPORTER_OTLP_PROTOCOL=grpc sends its spans to a real OTLP/gRPC
// receiver (a grpc-js server implementing the collector's TraceService/Export).
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Server, ServerCredentials, type ServiceDefinition } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const fixture = fileURLToPath(new URL('./fixtures/traced-service.mjs', import.meta.url));
const kitVersion = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version as string;

/** Keeps each ExportTraceServiceRequest as raw protobuf: span names and attribute strings are plain UTF-8 in it. */
async function startReceiver() {
  const requests: Buffer[] = [];
  const definition: ServiceDefinition = {
    Export: {
      path: EXPORT_PATH,
      requestStream: false,
      responseStream: false,
      requestSerialize: (value: Buffer) => value,
      requestDeserialize: (bytes: Buffer) => bytes,
      // an empty ExportTraceServiceResponse: every field at its default encodes to no bytes
      responseSerialize: () => Buffer.alloc(0),
      responseDeserialize: (bytes: Buffer) => bytes,
    },
  };
  const server = new Server();
  server.addService(definition, {
    Export: (call: { request: Buffer }, callback: (error: null, response: Buffer) => void) => {
      requests.push(call.request);
      callback(null, Buffer.alloc(0));
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return { port, requests, close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())) };
}

describe('OTLP over gRPC', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let service: ChildProcess;
  let servicePort: number;
  let stderr = '';

  beforeAll(async () => {
    receiver = await startReceiver();
    service = spawn(process.execPath, [fixture], {
      env: {
        ...process.env,
        OTEL_SDK_DISABLED: 'false',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiver.port}`,
        OTEL_SERVICE_NAME: 'traced-over-grpc',
        OTEL_TRACES_EXPORTER: 'otlp',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    service.stderr?.on('data', (chunk) => {
      stderr += String(chunk);
    });
    const [first] = (await once(createInterface({ input: service.stdout! }), 'line')) as [string];
    servicePort = JSON.parse(first).port;
  });

  afterAll(async () => {
    if (service.exitCode === null) {
      service.kill('SIGKILL');
      await once(service, 'exit');
    }
    await receiver.close();
  });

  it('starts (the protocol is valid configuration) and exports its spans to the receiver', async () => {
    const response = await fetch(`http://127.0.0.1:${servicePort}/work`);
    expect(response.status).toBe(200);
    // SIGTERM shuts telemetry down, which flushes the batch: no waiting on the batch timer
    service.kill('SIGTERM');
    const [code] = await once(service, 'exit');
    expect(code, stderr).toBe(0);

    const exported = Buffer.concat(receiver.requests);
    expect(receiver.requests.length).toBeGreaterThan(0);
    // the server span of the request, with the route the kit sets on it
    expect(exported.includes('@opentelemetry/instrumentation-http')).toBe(true);
    expect(exported.includes('/work')).toBe(true);
    expect(exported.includes('traced-over-grpc')).toBe(true);
    expect(exported.includes('service.version')).toBe(true);
    expect(exported.includes(kitVersion)).toBe(true);
  });
});
