import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readServiceVersion, UNKNOWN_VERSION } from './service-version.js';

describe('readServiceVersion', () => {
  const root = mkdtempSync(join(tmpdir(), 'service-version-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const service = (dir: string, manifest: unknown) => {
    mkdirSync(join(root, dir, 'dist'), { recursive: true });
    writeFileSync(join(root, dir, 'package.json'), JSON.stringify(manifest));
    return join(root, dir, 'dist', 'main.js');
  };

  it("is the version of the package.json nearest to the entry script, the service's own", () => {
    expect(readServiceVersion(service('services/catalog', { name: '@platform/catalog', version: '1.4.2' }))).toBe(
      '1.4.2',
    );
  });

  it('is unknown for a script inside node_modules, a manifest without a version, or no entry', () => {
    expect(readServiceVersion(service('node_modules/vitest', { name: 'vitest', version: '4.1.0' }))).toBe(
      UNKNOWN_VERSION,
    );
    expect(readServiceVersion(service('services/bare', { name: '@platform/bare' }))).toBe(UNKNOWN_VERSION);
    expect(readServiceVersion(undefined)).toBe(UNKNOWN_VERSION);
  });
});
