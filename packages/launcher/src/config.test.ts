import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LauncherConfigError, loadConfig, MAX_PORT_OFFSET } from './config.js';
import { repoRoot } from './repo-root.js';

describe('loadConfig', () => {
  it('defaults to .data in the repo, the embedded server on 54329 and a stop deadline above the services own', () => {
    const config = loadConfig({ PATH: '/bin' }, '/somewhere', []);
    expect(config).toEqual({
      dataDir: join(repoRoot, '.data'),
      databaseUrl: undefined,
      embeddedPostgresPort: 54329,
      portOffset: 0,
      gatewayHost: undefined,
      stopTimeoutMs: 15_000,
      colorAllowed: true,
      withLoad: false,
      environment: { PATH: '/bin' },
    });
    // repoRoot really is the monorepo root, from src/ (tests) as from dist/ (npm start)
    expect(existsSync(join(repoRoot, 'packages', 'launcher', 'package.json'))).toBe(true);
  });

  it('resolves a relative DATA_DIR against the working directory and treats empty values as unset', () => {
    expect(loadConfig({ DATA_DIR: 'var/data' }, '/srv/app').dataDir).toBe('/srv/app/var/data');
    expect(loadConfig({ DATA_DIR: '/abs' }, '/srv/app').dataDir).toBe('/abs');
    expect(loadConfig({ DATABASE_URL: '', EMBEDDED_POSTGRES_PORT: '' }).databaseUrl).toBeUndefined();
  });

  it('takes DATABASE_URL, EMBEDDED_POSTGRES_PORT, GATEWAY_HOST, SHUTDOWN_TIMEOUT_MS and NO_COLOR', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgresql://u:p@db:5432/app',
      EMBEDDED_POSTGRES_PORT: '6000',
      GATEWAY_HOST: '0.0.0.0',
      SHUTDOWN_TIMEOUT_MS: '2000',
      NO_COLOR: '1',
    });
    expect(config).toMatchObject({
      databaseUrl: 'postgresql://u:p@db:5432/app',
      embeddedPostgresPort: 6000,
      gatewayHost: '0.0.0.0',
      stopTimeoutMs: 7_000,
      colorAllowed: false,
    });
  });

  it('runs the load generator only with --with-load, and refuses any other argument', () => {
    expect(loadConfig({}, '/', ['--with-load']).withLoad).toBe(true);
    expect(() => loadConfig({}, '/', ['--with-lod'])).toThrow(/^unknown argument --with-lod; usage: npm start/);
  });

  it('moves every port by PLATFORM_PORT_OFFSET, and takes any free port for the database with 0', () => {
    expect(loadConfig({ PLATFORM_PORT_OFFSET: '12000', EMBEDDED_POSTGRES_PORT: '0' })).toMatchObject({
      portOffset: 12_000,
      embeddedPostgresPort: 0,
    });
    // up to what keeps the highest port of the list (orders' 50052 today) a port
    expect(MAX_PORT_OFFSET).toBeGreaterThanOrEqual(15_000);
    expect(loadConfig({ PLATFORM_PORT_OFFSET: String(MAX_PORT_OFFSET) }).portOffset).toBe(MAX_PORT_OFFSET);
    expect(() => loadConfig({ PLATFORM_PORT_OFFSET: String(MAX_PORT_OFFSET + 1) })).toThrow(
      new RegExp(`^PLATFORM_PORT_OFFSET must be an integer from 0 to ${MAX_PORT_OFFSET}`),
    );
  });

  it('refuses an offset that puts an HTTP port on one fetch refuses (the gateway on 10080)', () => {
    expect(() => loadConfig({ PLATFORM_PORT_OFFSET: '2000' })).toThrow(
      /^PLATFORM_PORT_OFFSET 2000 puts gateway on 10080, a port browsers and fetch refuse/,
    );
    expect(() => loadConfig({ PLATFORM_PORT_OFFSET: '1999' })).toThrow(/puts auth on 10080/);
    expect(() => loadConfig({ PLATFORM_PORT_OFFSET: '979' })).toThrow(/puts catalogOps on 10080/);
    expect(loadConfig({ PLATFORM_PORT_OFFSET: '2002' }).portOffset).toBe(2002);
  });

  it('names the variable when a value is bad', () => {
    expect(() => loadConfig({ EMBEDDED_POSTGRES_PORT: '70000' })).toThrow(/^EMBEDDED_POSTGRES_PORT must be/);
    expect(() => loadConfig({ EMBEDDED_POSTGRES_PORT: '12ab' })).toThrow(LauncherConfigError);
    expect(() => loadConfig({ DATABASE_URL: 'not a url' })).toThrow(/^DATABASE_URL must be a URL/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://db/app' })).toThrow(/^DATABASE_URL must start with postgres/);
    expect(() => loadConfig({ SHUTDOWN_TIMEOUT_MS: '-1' })).toThrow(/^SHUTDOWN_TIMEOUT_MS must be/);
  });
});
