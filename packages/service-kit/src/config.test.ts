import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Type from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseConfigProperties, ConfigError, loadConfig } from './config.js';

const schema = Type.Object({
  ...baseConfigProperties,
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 8081 }),
  DATABASE_URL: Type.String({ minLength: 1 }),
  SEED: Type.Boolean({ default: true }),
});

describe('loadConfig', () => {
  it('applies defaults and converts strings to the schema types', () => {
    const config = loadConfig(schema, { DATABASE_URL: 'postgres://x', SEED: 'false', UNRELATED: 'y' });
    expect(config).toMatchObject({
      PORT: 8081,
      SEED: false,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      DATABASE_URL: 'postgres://x',
    });
    expect(config).not.toHaveProperty('UNRELATED');
  });

  it('names every bad or missing variable', () => {
    let error: unknown;
    try {
      loadConfig(schema, { PORT: '99999', LOG_LEVEL: 'loud' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('DATABASE_URL is required');
    expect(message).toMatch(/PORT must be <= 65535 \(got 99999\)/);
    expect(message).toContain('LOG_LEVEL');
  });

  it('never echoes a string value, which may be or carry a secret, and still names the variable', () => {
    const strict = Type.Object({
      DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
      OTEL_EXPORTER_OTLP_HEADERS: Type.Optional(Type.String({ maxLength: 8 })),
      LOG_LEVEL: baseConfigProperties.LOG_LEVEL,
    });
    let error: unknown;
    try {
      // a malformed URL (one slash missing) cannot be parsed, so it cannot be redacted either
      loadConfig(strict, {
        DATABASE_URL: 'postgres:/auth:s3cret-pw@db:5432/auth',
        OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer tok3n',
        LOG_LEVEL: 'hunter2',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(/DATABASE_URL must match pattern .* \(value not shown: 37 characters\)/);
    expect(message).toContain('OTEL_EXPORTER_OTLP_HEADERS');
    expect(message).toContain('LOG_LEVEL must be one of');
    for (const secret of ['s3cret-pw', 'auth:', 'tok3n', 'hunter2']) expect(message).not.toContain(secret);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig(schema, { DATABASE_URL: 'postgres://x', PORT: '' }).PORT).toBe(8081);
    expect(() => loadConfig(schema, { DATABASE_URL: '' })).toThrow(/DATABASE_URL is required/);
  });

  it('rejects a non-numeric port and an unsupported OTLP protocol', () => {
    expect(() => loadConfig(schema, { DATABASE_URL: 'x', PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig(schema, { DATABASE_URL: 'x', OTEL_EXPORTER_OTLP_PROTOCOL: 'thrift' })).toThrow(
      /OTEL_EXPORTER_OTLP_PROTOCOL must be one of grpc, http\/protobuf, http\/json/,
    );
  });

  it('accepts the three OTLP protocols of the specification', () => {
    for (const protocol of ['grpc', 'http/protobuf', 'http/json']) {
      expect(loadConfig(schema, { DATABASE_URL: 'x', OTEL_EXPORTER_OTLP_PROTOCOL: protocol })).toMatchObject({
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
      });
    }
  });

  it('takes OTEL_TRACES_EXPORTER and OTEL_PROPAGATORS as lists of known names and names a bad one', () => {
    const config = loadConfig(schema, {
      DATABASE_URL: 'x',
      OTEL_TRACES_EXPORTER: 'otlp, console',
      OTEL_PROPAGATORS: 'tracecontext,baggage',
    });
    expect(config).toMatchObject({ OTEL_TRACES_EXPORTER: 'otlp, console', OTEL_PROPAGATORS: 'tracecontext,baggage' });
    expect(() => loadConfig(schema, { DATABASE_URL: 'x', OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(
      /OTEL_TRACES_EXPORTER must be a comma-separated list of otlp, console, none \(value not shown/,
    );
    expect(() => loadConfig(schema, { DATABASE_URL: 'x', OTEL_PROPAGATORS: 'tracecontext,xray' })).toThrow(
      /OTEL_PROPAGATORS/,
    );
  });
});

describe('loadConfig with X_FILE (the Docker secrets convention)', () => {
  let dir: string;
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const errorOf = (env: Record<string, string>): ConfigError => {
    try {
      loadConfig(schema, env);
    } catch (error) {
      if (error instanceof ConfigError) return error;
      throw error;
    }
    throw new Error('loadConfig accepted the config');
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'service-kit-config-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes the value from the named file, without its trailing newline, and converts it', () => {
    const config = loadConfig(schema, {
      DATABASE_URL_FILE: file('database-url', 'postgres://u:p@db/x\n'),
      PORT_FILE: file('port', '9000\r\n'),
    });
    expect(config.DATABASE_URL).toBe('postgres://u:p@db/x');
    expect(config.PORT).toBe(9000);
    expect(config).not.toHaveProperty('DATABASE_URL_FILE');
  });

  it('keeps inner newlines and other whitespace', () => {
    const pem = '-----BEGIN KEY-----\nabc\n-----END KEY-----';
    expect(loadConfig(schema, { DATABASE_URL_FILE: file('pem', `${pem}\n\n`) }).DATABASE_URL).toBe(pem);
    expect(loadConfig(schema, { DATABASE_URL_FILE: file('spaced', ' x \n') }).DATABASE_URL).toBe(' x ');
  });

  it('rejects X and X_FILE set together, naming both', () => {
    const error = errorOf({ DATABASE_URL: 'postgres://x', DATABASE_URL_FILE: file('both', 'postgres://y') });
    expect(error.problems).toEqual(['DATABASE_URL and DATABASE_URL_FILE are both set; set only one']);
  });

  it('names X_FILE when its file is missing, unreadable or empty, and reports X only once', () => {
    const missing = join(dir, 'missing');
    expect(errorOf({ DATABASE_URL_FILE: missing }).problems).toEqual([
      `DATABASE_URL_FILE names a file that cannot be read (${missing}: ENOENT)`,
    ]);
    expect(errorOf({ DATABASE_URL_FILE: dir }).problems).toEqual([
      `DATABASE_URL_FILE names a file that cannot be read (${dir}: EISDIR)`,
    ]);
    const empty = file('empty', '\n');
    expect(errorOf({ DATABASE_URL_FILE: empty }).problems).toEqual([
      `DATABASE_URL_FILE names an empty file (${empty})`,
    ]);
    if (process.getuid?.() !== 0) {
      const locked = file('locked', 'postgres://x');
      chmodSync(locked, 0o000);
      expect(errorOf({ DATABASE_URL_FILE: locked }).problems).toEqual([
        `DATABASE_URL_FILE names a file that cannot be read (${locked}: EACCES)`,
      ]);
    }
  });

  it('validates a value from a file without echoing it, since it is usually a secret', () => {
    const message = errorOf({ DATABASE_URL: 'postgres://x', PORT_FILE: file('bad-port', 'hunter2') }).message;
    expect(message).toContain('PORT');
    expect(message).toContain('(read from PORT_FILE)');
    expect(message).not.toContain('hunter2');
  });

  it('treats an empty X_FILE as unset', () => {
    expect(loadConfig(schema, { DATABASE_URL: 'postgres://x', DATABASE_URL_FILE: '' }).DATABASE_URL).toBe(
      'postgres://x',
    );
  });

  it('leaves a variable alone when the schema defines X_FILE itself, and gives no X_FILE_FILE', () => {
    const keyFileSchema = Type.Object({
      SIGNING_KEY: Type.Optional(Type.String()),
      SIGNING_KEY_FILE: Type.Optional(Type.String()),
    });
    const path = file('key.pem', 'pem');
    const config = loadConfig(keyFileSchema, { SIGNING_KEY_FILE: path, SIGNING_KEY_FILE_FILE: path });
    expect(config).toEqual({ SIGNING_KEY_FILE: path });
  });
});
