// Environment configuration: one TypeBox schema per service, validated once at start; a bad or missing value
// stops the process with a message naming the variable.
import Type, { type Static, type TObject, type TProperties } from 'typebox';
import Value from 'typebox/value';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

const logLevel = Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)));

/** Variables every service accepts; a service spreads these into its own schema. */
export const baseConfigProperties = {
  HOST: Type.String({ default: '0.0.0.0', minLength: 1 }),
  LOG_LEVEL: Type.Unsafe<'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'>({
    ...logLevel,
    default: 'info',
  }),
  NODE_ENV: Type.String({ default: 'development' }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 0, maximum: 120_000, default: 10_000 }),
  /** Pause between readiness turning 503 and closing listeners, so load balancers stop sending first. */
  SHUTDOWN_DRAIN_DELAY_MS: Type.Integer({ minimum: 0, maximum: 60_000, default: 0 }),
  // The standard OpenTelemetry variables (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/)
  OTEL_SDK_DISABLED: Type.Boolean({ default: false }),
  OTEL_SERVICE_NAME: Type.Optional(Type.String({ minLength: 1 })),
  OTEL_RESOURCE_ATTRIBUTES: Type.Optional(Type.String()),
  OTEL_EXPORTER_OTLP_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://' })),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://' })),
  OTEL_EXPORTER_OTLP_PROTOCOL: Type.Optional(Type.Union([Type.Literal('http/protobuf'), Type.Literal('http/json')])),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: Type.Optional(
    Type.Union([Type.Literal('http/protobuf'), Type.Literal('http/json')]),
  ),
  OTEL_EXPORTER_OTLP_HEADERS: Type.Optional(Type.String()),
  OTEL_TRACES_SAMPLER: Type.Optional(
    Type.Union([
      Type.Literal('always_on'),
      Type.Literal('always_off'),
      Type.Literal('traceidratio'),
      Type.Literal('parentbased_always_on'),
      Type.Literal('parentbased_always_off'),
      Type.Literal('parentbased_traceidratio'),
    ]),
  ),
  OTEL_TRACES_SAMPLER_ARG: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
} satisfies TProperties;

export type BaseConfig = Static<TObject<typeof baseConfigProperties>>;

/**
 * Reads the variables a schema names from `env` (others are ignored), applies defaults, converts strings to the
 * schema's types and validates. Throws ConfigError listing every bad variable by name.
 */
export function loadConfig<T extends TObject>(schema: T, env: Record<string, string | undefined>): Static<T> {
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties)) {
    const value = env[key];
    // an empty variable means "not set", as shells and compose files commonly produce
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const value = Value.Convert(schema, Value.Default(schema, picked)) as Record<string, unknown>;
  const required = new Set<string>((schema as { required?: string[] }).required ?? []);
  const problems: string[] = [];
  // checked one variable at a time so every bad one is named, not only the first
  for (const [name, property] of Object.entries(schema.properties)) {
    const got = value[name];
    if (got === undefined) {
      if (required.has(name)) problems.push(`${name} is required`);
      continue;
    }
    if (Value.Check(property, got)) continue;
    const choices = (property as { anyOf?: { const?: unknown }[] }).anyOf?.map((option) => option.const);
    const reason =
      choices && choices.every((choice) => choice !== undefined)
        ? `must be one of ${choices.join(', ')}`
        : ([...Value.Errors(property, got)][0]?.message ?? 'is invalid');
    problems.push(`${name} ${reason} (got ${JSON.stringify(picked[name] ?? got)})`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return value as Static<T>;
}

/** For main.ts: load the config or print the problem and exit with status 1, before anything else starts. */
export function loadConfigOrExit<T extends TObject>(
  service: string,
  schema: T,
  env: Record<string, string | undefined>,
): Static<T> {
  try {
    return loadConfig(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${service}: ${error.message}\n`);
    process.exit(1);
  }
}
