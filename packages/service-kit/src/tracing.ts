// The OpenTelemetry SDK wired for the platform (loaded by telemetry.ts only when tracing is on): a tracer provider with
// the OTEL_* sampler, propagators and exporters, the deliberate instrumentations (http, grpc, pg), and a resource
// naming the service and its version.
import { register } from 'node:module';
import { DiagLogLevel, diag, type TextMapPropagator } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  type Sampler,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import type { Telemetry, TelemetryConfig } from './telemetry.js';

/** Paths that are polled by probes and scrapers: tracing them would drown the real traffic. */
const OPS_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

export async function startTracing(service: string, config: TelemetryConfig, version: string): Promise<Telemetry> {
  diag.setLogger({ ...console, verbose: () => {} }, DiagLogLevel.WARN);

  // ESM imports of @grpc/grpc-js are only patched through import-in-the-middle; limit it to instrumented modules
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
  // registered against the global provider, which delegates to ours once it is registered below; so the exporters,
  // whose transports (http, @grpc/grpc-js) load next, load after the hooks are in place
  const unregister = registerInstrumentations({
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => OPS_PATHS.has((request.url ?? '').split('?')[0] ?? ''),
      }),
      // health checks, and the long-lived streams (health's Watch, catalog's WatchProducts), which are not requests
      new GrpcInstrumentation({ ignoreGrpcMethods: [/^Check$/, /^Watch/] }),
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  await waitForAllMessagesAcknowledged();

  const spanProcessors = await createSpanProcessors(config);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_VERSION]: version,
      ...parseAttributes(config.OTEL_RESOURCE_ATTRIBUTES),
      [ATTR_SERVICE_NAME]: config.OTEL_SERVICE_NAME ?? service,
    }),
    sampler: createSampler(config),
    spanProcessors,
  });
  provider.register({ propagator: createPropagator(config.OTEL_PROPAGATORS) });

  return {
    enabled: true,
    exporting: spanProcessors.length > 0,
    async shutdown() {
      unregister();
      await provider.shutdown();
    },
  };
}

/** `a, b,c` as the OTEL_* list variables write it. */
function listOf(value: string | undefined, fallback: string): string[] {
  return (value ?? fallback)
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

async function createSpanProcessors(config: TelemetryConfig): Promise<SpanProcessor[]> {
  const exporters = listOf(config.OTEL_TRACES_EXPORTER, 'otlp');
  if (exporters.includes('none')) return [];
  const processors: SpanProcessor[] = [];
  if (exporters.includes('otlp')) {
    const exporter = await createOtlpExporter(config);
    if (exporter) processors.push(new BatchSpanProcessor(exporter));
  }
  if (exporters.includes('console')) processors.push(new SimpleSpanProcessor(new ConsoleSpanExporter()));
  return processors;
}

/** The OTLP exporter the protocol names, or none when no endpoint is set (nothing is exported, nothing fails). */
async function createOtlpExporter(config: TelemetryConfig): Promise<SpanExporter | undefined> {
  const protocol = config.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? config.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
  const base = config.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/$/, '');
  const headers = parseAttributes(config.OTEL_EXPORTER_OTLP_HEADERS);
  if (protocol === 'grpc') {
    // gRPC names the service and method in the request, so the endpoint is used as given, without a path
    const url = config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? base;
    if (!url) return undefined;
    const [{ OTLPTraceExporter }, { Metadata }] = await Promise.all([
      import('@opentelemetry/exporter-trace-otlp-grpc'),
      import('@grpc/grpc-js'),
    ]);
    const metadata = new Metadata();
    for (const [key, value] of Object.entries(headers)) metadata.set(key, value);
    return new OTLPTraceExporter({ url, metadata });
  }
  const url = config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base ? `${base}/v1/traces` : undefined);
  if (!url) return undefined;
  if (protocol === 'http/json') {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    return new OTLPTraceExporter({ url, headers });
  }
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
  return new OTLPTraceExporter({ url, headers });
}

function createPropagator(value: string | undefined): TextMapPropagator {
  const names = listOf(value, 'tracecontext,baggage');
  const propagators: TextMapPropagator[] = [];
  if (!names.includes('none')) {
    if (names.includes('tracecontext')) propagators.push(new W3CTraceContextPropagator());
    if (names.includes('baggage')) propagators.push(new W3CBaggagePropagator());
  }
  return new CompositePropagator({ propagators });
}

function createSampler(config: TelemetryConfig): Sampler {
  const ratio = new TraceIdRatioBasedSampler(config.OTEL_TRACES_SAMPLER_ARG ?? 1);
  switch (config.OTEL_TRACES_SAMPLER) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

/** `key=value,key2=value2` as the OTEL_* list variables write it. */
function parseAttributes(list: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (list ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at > 0) out[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return out;
}
