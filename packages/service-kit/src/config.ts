// Environment configuration: one TypeBox schema per service, validated once at start; a bad or missing value
// stops the process with a message naming the variable.
import { readFileSync } from 'node:fs';
import Type, { type Static, type TObject, type TProperties } from 'typebox';
import Value from 'typebox/value';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

const logLevel = Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)));

const otlpProtocol = Type.Union([Type.Literal('grpc'), Type.Literal('http/protobuf'), Type.Literal('http/json')]);

/** A pattern for a comma-separated list of the given words, as the OTEL_* list variables are written. */
function listOf(words: string[]): string {
  const word = `\\s*(${words.join('|')})\\s*`;
  return `^${word}(,${word})*$`;
}

/** An optional comma list of known words; a bad value is reported with the words, not the pattern. */
function optionalList(words: string[]) {
  return Type.Optional(
    Type.String({ pattern: listOf(words), mustBe: `a comma-separated list of ${words.join(', ')}` }),
  );
}

/** A TCP port variable (0: any free port, as tests use), with the service's default. */
export const portProperty = (fallback: number) => Type.Integer({ minimum: 0, maximum: 65_535, default: fallback });

/** Variables every service accepts; a service spreads these into its own schema. */
export const baseConfigProperties = {
  /** Loopback unless told otherwise: a process on a laptop is not reachable from the network by accident. */
  HOST: Type.String({ default: '127.0.0.1', minLength: 1 }),
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
  OTEL_EXPORTER_OTLP_PROTOCOL: Type.Optional(otlpProtocol),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: Type.Optional(otlpProtocol),
  /** Where spans go: `otlp` (the default; to the endpoint, when one is set), `console` (stdout), `none`; a list. */
  OTEL_TRACES_EXPORTER: optionalList(['otlp', 'console', 'none']),
  /** How trace context crosses a hop: `tracecontext` (W3C) and `baggage` by default, or `none`; a list. */
  OTEL_PROPAGATORS: optionalList(['tracecontext', 'baggage', 'none']),
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
 * PUBLIC_URL: the platform's public address, the gateway as clients reach it. It is the issuer of every token (the
 * `iss` auth signs and every verifier expects) and the base of the published metadata, so all services take it from
 * this one rule. An origin only: RFC 8414 metadata must be fetchable at `<issuer>/.well-known/...`, and the exact
 * string is compared, so no path and no trailing slash.
 */
export const publicUrlProperty = Type.String({
  pattern: '^https?://[^\\s/?#]+$',
  default: 'http://localhost:8080',
  mustBe: 'an http:// or https:// origin without a path or trailing slash, e.g. https://api.example.com',
});

/**
 * Reads the variables a schema names from `env` (others are ignored), applies defaults, converts strings to the
 * schema's types and validates. Throws ConfigError listing every bad variable by name.
 *
 * The Docker secrets convention: for a variable X, `X_FILE` may instead name a file whose content (without trailing
 * newlines) is X's value, so a secret can come from a mounted file rather than the process environment. Setting
 * both is an error. A value read from a file is never echoed in an error message. Variables whose own name ends in
 * `_FILE`, and X when the schema itself defines `X_FILE`, do not take the convention.
 */
export function loadConfig<T extends TObject>(schema: T, env: Record<string, string | undefined>): Static<T> {
  const names = Object.keys(schema.properties);
  const picked: Record<string, unknown> = {};
  const fromFile = new Set<string>();
  const problems: string[] = [];
  const unreadable = new Set<string>();
  for (const key of names) {
    const value = presentValue(env[key]);
    const fileVariable = fileVariableOf(key, names);
    const path = fileVariable ? presentValue(env[fileVariable]) : undefined;
    if (fileVariable && path !== undefined) {
      if (value !== undefined) {
        problems.push(`${key} and ${fileVariable} are both set; set only one`);
        unreadable.add(key);
        continue;
      }
      const read = readValueFile(path);
      if ('problem' in read) {
        problems.push(`${fileVariable} ${read.problem}`);
        unreadable.add(key);
      } else {
        picked[key] = read.value;
        fromFile.add(key);
      }
    } else if (value !== undefined) {
      picked[key] = value;
    }
  }
  const value = Value.Convert(schema, Value.Default(schema, picked)) as Record<string, unknown>;
  const required = new Set<string>((schema as { required?: string[] }).required ?? []);
  // checked one variable at a time so every bad one is named, not only the first
  for (const [name, property] of Object.entries(schema.properties)) {
    if (unreadable.has(name)) continue;
    const got = value[name];
    if (got === undefined) {
      if (required.has(name)) problems.push(`${name} is required`);
      continue;
    }
    if (Value.Check(property, got)) continue;
    const choices = (property as { anyOf?: { const?: unknown }[] }).anyOf?.map((option) => option.const);
    const mustBe = (property as { mustBe?: string }).mustBe;
    const reason = mustBe
      ? `must be ${mustBe}`
      : choices?.every((choice) => choice !== undefined)
        ? `must be one of ${choices.join(', ')}`
        : ([...Value.Errors(property, got)][0]?.message ?? 'is invalid');
    problems.push(`${name} ${reason} ${describeValue(name, property, picked[name] ?? got, fromFile.has(name))}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return value as Static<T>;
}

/**
 * What an error may say about a refused value. Only numbers and booleans are echoed: any string can be a secret
 * or carry one (a DATABASE_URL with its password, OTLP headers with a token, a key pasted into the wrong variable),
 * and a malformed one cannot be reliably redacted, so its content is never shown, only its length.
 */
function describeValue(name: string, property: unknown, value: unknown, fromFile: boolean): string {
  if (fromFile) return `(read from ${name}_FILE)`;
  const type = (property as { type?: unknown }).type;
  if (type === 'integer' || type === 'number' || type === 'boolean') return `(got ${JSON.stringify(value)})`;
  const length = typeof value === 'string' ? `${value.length} characters` : typeof value;
  return `(value not shown: ${length})`;
}

// an empty variable means "not set", as shells and compose files commonly produce
function presentValue(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function fileVariableOf(name: string, names: string[]): string | undefined {
  if (name.endsWith('_FILE')) return undefined;
  const fileVariable = `${name}_FILE`;
  return names.includes(fileVariable) ? undefined : fileVariable;
}

function readValueFile(path: string): { value: string } | { problem: string } {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return { problem: `names a file that cannot be read (${path}: ${code})` };
  }
  const value = content.replace(/[\r\n]+$/, '');
  return value === '' ? { problem: `names an empty file (${path})` } : { value };
}

/**
 * For main.ts: load the config or print the problem and exit with status 1, before anything else starts.
 * `check` validates what a schema cannot (e.g. trustedProxies); it throws ConfigError.
 */
export function loadConfigOrExit<T extends TObject>(
  service: string,
  schema: T,
  env: Record<string, string | undefined>,
  check: (config: Static<T>) => void = () => {},
): Static<T> {
  return configOrExit(service, () => {
    const config = loadConfig(schema, env);
    check(config);
    return config;
  });
}

/**
 * For a config.ts whose reader derives values or checks several variables together (`parseConfig(env)`): its
 * result, or the ConfigError printed (`<service>: invalid configuration: ...`) and exit 1.
 */
export function configOrExit<T>(service: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${service}: ${error.message}\n`);
    process.exit(1);
  }
}
