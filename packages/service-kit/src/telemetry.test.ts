import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, diag, propagation, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { startTelemetry } from './telemetry.js';

async function readBody(request: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of request) body += chunk;
  return body;
}

describe('startTelemetry', () => {
  // each test registers its own global provider and propagator
  afterEach(() => {
    trace.disable();
    propagation.disable();
    context.disable();
    diag.disable();
  });

  it('does nothing when OTEL_SDK_DISABLED is set', async () => {
    const telemetry = await startTelemetry('test', { OTEL_SDK_DISABLED: true });
    expect(telemetry).toMatchObject({ enabled: false, exporting: false });
    await telemetry.shutdown();
  });

  it('exports spans over OTLP/HTTP JSON to the configured endpoint, named after the service', async () => {
    const received: { path: string; body: string }[] = [];
    const receiver = createServer(async (request, response) => {
      received.push({ path: request.url ?? '', body: await readBody(request) });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as AddressInfo;

    const telemetry = await startTelemetry('test', {
      OTEL_SDK_DISABLED: false,
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'kit-under-test',
    });
    expect(telemetry).toMatchObject({ enabled: true, exporting: true });
    trace.getTracer('test').startActiveSpan('unit-of-work', (span) => span.end());
    await telemetry.shutdown();
    receiver.close();

    expect(received.map((r) => r.path)).toContain('/v1/traces');
    const body = received.map((r) => r.body).join('\n');
    expect(body).toContain('unit-of-work');
    expect(body).toContain('kit-under-test');
  });

  it('exports nothing when OTEL_TRACES_EXPORTER is none, even with an endpoint', async () => {
    const telemetry = await startTelemetry('test', {
      OTEL_SDK_DISABLED: false,
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
      OTEL_TRACES_EXPORTER: 'none',
    });
    expect(telemetry).toMatchObject({ enabled: true, exporting: false });
    await telemetry.shutdown();
  });

  it('propagates W3C trace context by default and nothing when OTEL_PROPAGATORS is none', async () => {
    const injected = async (propagators: string | undefined) => {
      const telemetry = await startTelemetry('test', { OTEL_SDK_DISABLED: false, OTEL_PROPAGATORS: propagators });
      const carrier: Record<string, string> = {};
      trace.getTracer('test').startActiveSpan('outgoing', (span) => {
        propagation.inject(context.active(), carrier);
        span.end();
      });
      await telemetry.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
      diag.disable();
      return carrier;
    };
    expect(Object.keys(await injected(undefined))).toContain('traceparent');
    expect(await injected('none')).toEqual({});
  });
});
