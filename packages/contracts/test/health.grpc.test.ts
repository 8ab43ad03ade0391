// The generated grpc.health.v1 client against grpc-health-check's server implementation, which services use.
import { type ClientReadableStream, credentials, type ServiceError, status } from '@grpc/grpc-js';
import { HealthImplementation, service as healthCheckService } from 'grpc-health-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogV1, healthV1 } from '../src/index.js';
import { type RunningServer, startServer } from './test-server.js';

const ServingStatus = healthV1.HealthCheckResponse_ServingStatus;
const catalogName = catalogV1.CatalogServiceClient.serviceName;

function check(client: healthV1.HealthClient, service: string) {
  return new Promise<healthV1.HealthCheckResponse>((resolve, reject) =>
    client.check({ service }, (error, response) => (error ? reject(error) : resolve(response))),
  );
}

function nextMessage(stream: ClientReadableStream<healthV1.HealthCheckResponse>) {
  return new Promise<healthV1.HealthCheckResponse>((resolve, reject) => {
    stream.once('data', resolve);
    stream.once('error', reject);
  });
}

describe('grpc.health.v1 generated client with grpc-health-check', () => {
  let running: RunningServer;
  let client: healthV1.HealthClient;
  const health = new HealthImplementation({ '': 'SERVING', [catalogName]: 'SERVING' });

  beforeAll(async () => {
    running = await startServer((server) => health.addToServer(server));
    client = new healthV1.HealthClient(running.address, credentials.createInsecure());
  });
  afterAll(async () => {
    client.close();
    await running.close();
  });

  it('describes the same wire methods as grpc-health-check', () => {
    for (const [name, method] of Object.entries({
      Check: healthV1.HealthService.check,
      Watch: healthV1.HealthService.watch,
    })) {
      const theirs = healthCheckService[name];
      expect(method.path).toBe(theirs?.path);
      expect(method.requestStream).toBe(theirs?.requestStream);
      expect(method.responseStream).toBe(theirs?.responseStream);
    }
  });

  it('checks the whole server and a named service', async () => {
    await expect(check(client, '')).resolves.toEqual({ status: ServingStatus.SERVING });
    await expect(check(client, catalogName)).resolves.toEqual({ status: ServingStatus.SERVING });
    const unknown = await check(client, 'no.such.Service').catch((e) => e);
    expect((unknown as ServiceError).code).toBe(status.NOT_FOUND);
  });

  it('watches a service and sees it stop serving', async () => {
    const stream = client.watch({ service: catalogName });
    try {
      await expect(nextMessage(stream)).resolves.toEqual({ status: ServingStatus.SERVING });
      const next = nextMessage(stream);
      health.setStatus(catalogName, 'NOT_SERVING');
      await expect(next).resolves.toEqual({ status: ServingStatus.NOT_SERVING });
    } finally {
      stream.cancel();
      health.setStatus(catalogName, 'SERVING');
    }
  });
});
