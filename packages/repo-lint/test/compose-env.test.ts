// .env.example names every variable docker-compose.yml reads, with the compose file's own default.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './repo.js';

const compose = readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8');
const example = readFileSync(join(repoRoot, '.env.example'), 'utf8');

/** name -> default, for every ${NAME}, ${NAME-default} and ${NAME:-default} in the compose file */
const knobs = new Map(
  [...compose.matchAll(/\$\{(\w+)(?::?-([^}]*))?\}/g)].map((match) => [match[1]!, match[2] ?? ''] as const),
);
const listed = new Map(
  example
    .split('\n')
    .filter((line) => /^\w+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const),
);

describe('.env.example', () => {
  it('lists every variable of docker-compose.yml, REGISTRY and TAG among them', () => {
    expect(knobs.has('REGISTRY') && knobs.has('TAG')).toBe(true);
    expect([...knobs.keys()].filter((name) => !listed.has(name))).toEqual([]);
  });

  it("gives each the compose file's default", () => {
    const differing = [...knobs].filter(([name, value]) => listed.has(name) && listed.get(name) !== value);
    expect(differing).toEqual([]);
  });

  it('lists nothing compose does not read', () => {
    expect([...listed.keys()].filter((name) => !knobs.has(name))).toEqual([]);
  });
});
