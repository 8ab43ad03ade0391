// OpenTelemetry tracing from the standard OTEL_* variables: W3C context propagates (OTEL_PROPAGATORS) so a trace
// continues across hops; spans go over OTLP (grpc, http/protobuf or http/json) only when an endpoint is set, or to
// the console when OTEL_TRACES_EXPORTER says so. Call before importing the instrumented app.
// This entry stays light: the SDK loads only when tracing is on, and only the exporter the protocol names.
import type { BaseConfig } from './config.js';

export interface Telemetry {
  /** True when spans are recorded (the SDK is on). */
  readonly enabled: boolean;
  /** True when spans leave the process (an endpoint is set). */
  readonly exporting: boolean;
  shutdown(): Promise<void>;
}

export type TelemetryConfig = Pick<
  BaseConfig,
  | 'OTEL_SDK_DISABLED'
  | 'OTEL_SERVICE_NAME'
  | 'OTEL_RESOURCE_ATTRIBUTES'
  | 'OTEL_EXPORTER_OTLP_ENDPOINT'
  | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'
  | 'OTEL_EXPORTER_OTLP_PROTOCOL'
  | 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'
  | 'OTEL_EXPORTER_OTLP_HEADERS'
  | 'OTEL_TRACES_SAMPLER'
  | 'OTEL_TRACES_SAMPLER_ARG'
  | 'OTEL_TRACES_EXPORTER'
  | 'OTEL_PROPAGATORS'
>;

export interface TelemetryOptions {
  /** The `service.version` resource attribute; by default the version in the service's package.json. */
  version?: string;
}

export async function startTelemetry(
  service: string,
  config: TelemetryConfig,
  options: TelemetryOptions = {},
): Promise<Telemetry> {
  if (config.OTEL_SDK_DISABLED) return { enabled: false, exporting: false, shutdown: async () => {} };
  const [{ startTracing }, { serviceVersion }] = await Promise.all([
    import('./tracing.js'),
    import('./service-version.js'),
  ]);
  return startTracing(service, config, options.version ?? serviceVersion());
}
