import { describe, expect, it } from 'vitest';
import { appendDocument, indexWhere, insertIntoCollection, replaceScalar, YamlEditError } from './yaml-edits.js';

const compose = `# the platform
x-service: &service
  init: true

services:
  catalog:
    <<: *service
    environment:
      GRPC_PORT: 50051
      # where it finds auth
      JWKS_URL: http://auth:8081/.well-known/jwks.json
    cap_drop: [ALL]

  gateway:
    environment:
      CATALOG_ADDR: catalog:50051
    healthcheck:
      test:
        [
          "CMD",
          "true",
        ]

  # --- observability
  jaeger:
    image: jaeger

volumes:
  catalog-secrets:
`;

describe('insertIntoCollection', () => {
  it('adds a map entry at the end of a nested block map, at its indentation, leaving every other line as it was', () => {
    const out = insertIntoCollection(compose, ['services', 'gateway', 'environment'], 'WIDGETS_ADDR: widgets:50053');
    expect(out).toBe(
      compose.replace(
        '      CATALOG_ADDR: catalog:50051\n',
        '      CATALOG_ADDR: catalog:50051\n      WIDGETS_ADDR: widgets:50053\n',
      ),
    );
  });

  it('adds after the last entry even when it ends in a multi-line flow sequence or a comment follows', () => {
    const out = insertIntoCollection(compose, ['services'], '\nwidgets:\n  image: widgets\n', { after: 'gateway' });
    expect(out).toContain(
      '          "true",\n        ]\n\n  widgets:\n    image: widgets\n\n  # --- observability\n  jaeger:',
    );
    const end = insertIntoCollection(compose, ['volumes'], 'widgets-secrets:');
    expect(end.endsWith('volumes:\n  catalog-secrets:\n  widgets-secrets:\n')).toBe(true);
  });

  it('adds a sequence item, and works in the document a predicate picks', () => {
    const policies = 'kind: A\nspec:\n  list:\n    - a\n---\nkind: B\nspec:\n  list:\n  - b\n  # trailing\n';
    const out = insertIntoCollection(policies, ['spec', 'list'], '- c', {
      document: (d) => (d as { kind: string }).kind === 'B',
    });
    expect(out).toBe('kind: A\nspec:\n  list:\n    - a\n---\nkind: B\nspec:\n  list:\n  - b\n  - c\n  # trailing\n');
    expect(indexWhere(policies, ['spec', 'list'], (v) => v === 'b', { document: 1 })).toBe(0);
  });

  it('refuses a flow collection, a missing path and an unknown key', () => {
    expect(() => insertIntoCollection(compose, ['services', 'catalog', 'cap_drop'], '- X')).toThrow(YamlEditError);
    expect(() => insertIntoCollection(compose, ['services', 'nope'], 'a: 1')).toThrow(/nothing at services.nope/);
    expect(() => insertIntoCollection(compose, ['services'], 'a: 1', { after: 'nope' })).toThrow(/no key nope/);
  });
});

it('replaces a scalar in place, and appends a document', () => {
  expect(
    replaceScalar(
      'patches:\n  - target:\n      name: catalog|orders # gRPC\n',
      ['patches', 0, 'target', 'name'],
      'catalog|orders|widgets',
    ),
  ).toBe('patches:\n  - target:\n      name: catalog|orders|widgets # gRPC\n');
  expect(appendDocument('a: 1\n\n', '\nb: 2')).toBe('a: 1\n---\nb: 2\n');
});
