import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLIENT_REGISTRY_FILE, clientSecretFile, ensureServiceSecrets } from './service-secrets.js';

const made: string[] = [];
afterEach(async () => {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('ensureServiceSecrets', () => {
  it('makes a 256-bit secret per client, owner-only, and a registry with its hash and audiences', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'launcher-secrets-'));
    made.push(dataDir);
    const directory = await ensureServiceSecrets(dataDir, [{ clientId: 'orders', audiences: ['catalog'] }]);
    expect(directory).toBe(join(dataDir, 'secrets'));
    const secret = await readFile(join(directory, clientSecretFile('orders')), 'utf8');
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    const registry = JSON.parse(await readFile(join(directory, CLIENT_REGISTRY_FILE), 'utf8'));
    expect(registry).toEqual([
      {
        client_id: 'orders',
        client_secret_sha256: createHash('sha256').update(secret).digest('hex'),
        audiences: ['catalog'],
      },
    ]);
    expect(JSON.stringify(registry)).not.toContain(secret);
    expect((await stat(directory)).mode & 0o777).toBe(0o700);
    for (const file of [clientSecretFile('orders'), CLIENT_REGISTRY_FILE]) {
      expect((await stat(join(directory, file))).mode & 0o777).toBe(0o600);
    }
  });

  it('keeps a secret across starts, so a restarted service and auth still agree', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'launcher-secrets-'));
    made.push(dataDir);
    const clients = [{ clientId: 'orders', audiences: ['catalog'] }];
    const directory = await ensureServiceSecrets(dataDir, clients);
    const first = await readFile(join(directory, clientSecretFile('orders')), 'utf8');
    await ensureServiceSecrets(dataDir, clients);
    expect(await readFile(join(directory, clientSecretFile('orders')), 'utf8')).toBe(first);
  });
});
