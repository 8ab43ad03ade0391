import Type from 'typebox';
import { describe, expect, it } from 'vitest';
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
      HOST: '0.0.0.0',
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

  it('treats an empty variable as unset', () => {
    expect(loadConfig(schema, { DATABASE_URL: 'postgres://x', PORT: '' }).PORT).toBe(8081);
    expect(() => loadConfig(schema, { DATABASE_URL: '' })).toThrow(/DATABASE_URL is required/);
  });

  it('rejects a non-numeric port and an unsupported OTLP protocol', () => {
    expect(() => loadConfig(schema, { DATABASE_URL: 'x', PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig(schema, { DATABASE_URL: 'x', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(
      /OTEL_EXPORTER_OTLP_PROTOCOL/,
    );
  });
});
