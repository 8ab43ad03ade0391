// Every place that names the platform's services agrees with its one list (@platform/topology): compose, Prometheus,
// the Kubernetes base and every overlay rendered from it, and the scripts that make the secrets and the databases,
// which derive what they make from the list. (topology-checks-catch-faults.test.ts shows each check failing.)
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databases, serviceClients, services } from '@platform/topology';
import { afterAll, describe, expect, it } from 'vitest';
import { checkComposeAgainstList, isPlatformService, parseCompose } from '../../src/checks/compose-topology.check.js';
import { checkKubernetesAgainstList, checkKubernetesBase } from '../../src/checks/kubernetes-topology.check.js';
import { deployedServices } from '../../src/platform-services.js';
import { repoRoot } from '../../src/repo.js';
import { isPlatform, renderAll } from './rendered.js';

const { rendered } = renderAll();
const compose = parseCompose(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8'));
const prometheus = readFileSync(join(repoRoot, 'compose/prometheus/prometheus.yml'), 'utf8');
const scratch = mkdtempSync(join(tmpdir(), 'topology-files-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the list against the files', () => {
  it('compose runs every service of the list as it says, and Prometheus scrapes each', () => {
    expect(checkComposeAgainstList(compose, deployedServices, prometheus)).toEqual([]);
  });

  it('the Kubernetes base has a folder per service with its replica hints, headless when gRPC without a mesh', () => {
    expect(checkKubernetesBase(repoRoot, deployedServices)).toEqual([]);
  });

  const platformOverlays = rendered.filter((r) => r.objects && isPlatform(r.objects));
  it.each(platformOverlays.map((r) => r.overlay.path))('%s deploys every service of the list as it says', (path) => {
    const objects = platformOverlays.find((r) => r.overlay.path === path)!.objects!;
    expect(checkKubernetesAgainstList(objects, deployedServices)).toEqual([]);
  });

  it('compose runs exactly the platform services of the list', () => {
    const platformInCompose = Object.entries(compose.services ?? {}).filter(([name, s]) => isPlatformService(name, s));
    expect(platformInCompose.map(([name]) => name).sort()).toEqual(deployedServices.map((s) => s.name).sort());
  });
});

describe('the scripts derive from the list', () => {
  it('make-secrets.sh makes a password and a DATABASE_URL per service database, and a secret per client', () => {
    const dir = join(scratch, 'k8s-secrets');
    execFileSync('bash', [join(repoRoot, 'scripts/k8s/make-secrets.sh'), dir], { stdio: 'pipe' });
    const files = readdirSync(dir);
    for (const { service, database } of databases(services)) {
      expect(files).toContain(`${service}-db-password.txt`);
      expect(readFileSync(join(dir, `${service}-database-url.txt`), 'utf8')).toMatch(
        new RegExp(
          `^postgres://${database}:[0-9a-f]{48}@postgres\\.platform\\.svc\\.cluster\\.local:5432/${database}$`,
        ),
      );
    }
    const registry = JSON.parse(readFileSync(join(dir, 'auth-oauth-clients.json'), 'utf8')) as {
      client_id: string;
      audiences: string[];
    }[];
    expect(registry.map((c) => [c.client_id, c.audiences])).toEqual(
      serviceClients(services).map((c) => [c.clientId, c.audiences]),
    );
    const made = files.filter((f) => f.endsWith('-db-password.txt')).map((f) => f.replace('-db-password.txt', ''));
    expect(made.sort()).toEqual(
      databases(services)
        .map((d) => d.service)
        .sort(),
    );
  });

  it("compose's secrets-init makes what docker-compose.yml hands it from the list", () => {
    const root = join(scratch, 'compose-secrets');
    const env = new Map(
      Object.entries(compose.services?.['secrets-init']?.environment ?? {}).map(([k, v]) => [k, String(v)]),
    );
    const consumers = ['postgres', 'auth', 'auth-keyring', ...databases(deployedServices).map((d) => d.service)];
    for (const consumer of new Set(consumers)) mkdirSync(join(root, consumer), { recursive: true });
    execFileSync(process.execPath, [join(repoRoot, 'compose/secrets-init/generate.mjs')], {
      env: { PATH: process.env.PATH, SECRETS_ROOT: root, ...Object.fromEntries(env) },
      stdio: 'pipe',
    });
    for (const { service, database } of databases(deployedServices)) {
      expect(readFileSync(join(root, service, 'database-url'), 'utf8')).toMatch(
        new RegExp(`^postgres://${database}:[0-9a-f]{48}@postgres:5432/${database}$`),
      );
      expect(existsSync(join(root, 'postgres', `${database}-password`))).toBe(true);
    }
    for (const { clientId } of serviceClients(deployedServices)) {
      expect(existsSync(join(root, clientId, 'oauth-client-secret'))).toBe(true);
    }
  });

  it('the PostgreSQL init makes a role and a database for every password it is given, in compose and k8s alike', () => {
    const script = readFileSync(join(repoRoot, 'compose/postgres/10-service-databases.sh'), 'utf8');
    expect(readFileSync(join(repoRoot, 'k8s/base/postgres/10-service-databases.sh'), 'utf8')).toBe(script);
    const bin = join(scratch, 'bin');
    mkdirSync(bin, { recursive: true });
    // psql as a witness: prints the database each call would create
    writeFileSync(
      join(bin, 'psql'),
      '#!/bin/sh\nfor a in "$@"; do case "$a" in --set=name=*) echo "created $a";; esac; done\ncat >/dev/null\n',
    );
    chmodSync(join(bin, 'psql'), 0o755);
    const passwords = Object.fromEntries(
      databases(services).map((d) => [`${d.database.toUpperCase()}_DB_PASSWORD`, 'pw']),
    );
    const out = execFileSync('bash', ['-c', `source ${join(repoRoot, 'compose/postgres/10-service-databases.sh')}`], {
      env: { PATH: `${bin}:${process.env.PATH}`, POSTGRES_USER: 'postgres', ...passwords },
      encoding: 'utf8',
    });
    const created = out
      .split('\n')
      .filter((line) => line.startsWith('created --set=name='))
      .map((line) => line.slice('created --set=name='.length));
    expect(created.sort()).toEqual(
      databases(services)
        .map((d) => d.database)
        .sort(),
    );
  });

  it("compose's PostgreSQL entrypoint exports each database password of the secrets volume", () => {
    const secrets = join(scratch, 'run-secrets');
    mkdirSync(secrets, { recursive: true });
    for (const name of ['postgres', 'auth', 'gift_cards'])
      writeFileSync(join(secrets, `${name}-password`), `${name}-secret`);
    const bin = join(scratch, 'entrypoint-bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'docker-entrypoint.sh'), '#!/bin/sh\nenv | grep PASSWORD | sort\n');
    chmodSync(join(bin, 'docker-entrypoint.sh'), 0o755);
    const entrypoint = join(scratch, 'entrypoint.sh');
    cpSync(join(repoRoot, 'compose/postgres/entrypoint.sh'), entrypoint);
    writeFileSync(entrypoint, readFileSync(entrypoint, 'utf8').replace('dir=/run/secrets', `dir=${secrets}`));
    const out = execFileSync('sh', [entrypoint, 'postgres'], {
      env: { PATH: `${bin}:${process.env.PATH}` },
      encoding: 'utf8',
    });
    expect(out.trim().split('\n')).toEqual([
      'AUTH_DB_PASSWORD=auth-secret',
      'GIFT_CARDS_DB_PASSWORD=gift_cards-secret',
      'POSTGRES_PASSWORD=postgres-secret',
    ]);
  });
});
