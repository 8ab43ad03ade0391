import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keysDirectory, loadKeyRing, rotateKeys, thumbprint } from './signing-keys.js';

describe('key ring', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'auth-keys-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('computes the RFC 7638 thumbprint (the RFC example key)', () => {
    const key = createPublicKey({
      format: 'jwk',
      key: {
        kty: 'RSA',
        e: 'AQAB',
        n:
          '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMs' +
          'tn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n' +
          '91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
      },
    });
    expect(thumbprint(key)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it('generates an ES256 key on first start, readable by the owner only, and loads the same key again', async () => {
    const first = await loadKeyRing({ dataDir });
    expect(first.current.algorithm).toBe('ES256');
    expect(first.current.kid).toBe(thumbprint(first.current.publicKey));
    expect(first.previous).toBeUndefined();
    const file = join(keysDirectory(dataDir), 'current.pem');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(keysDirectory(dataDir))).mode & 0o077).toBe(0);
    expect((await loadKeyRing({ dataDir })).current.kid).toBe(first.current.kid);
  });

  it('gives every replica starting on an empty DATA_DIR at once the same key', async () => {
    const rings = await Promise.all(Array.from({ length: 5 }, () => loadKeyRing({ dataDir })));
    expect(new Set(rings.map((ring) => ring.current.kid)).size).toBe(1);
    expect(await readdir(keysDirectory(dataDir))).toEqual(['current.pem']);
  });

  it('rotates: current becomes previous, a new current signs, and the JWKS lists both', async () => {
    const before = await loadKeyRing({ dataDir });
    const rotated = await rotateKeys(dataDir);
    const after = await loadKeyRing({ dataDir });
    expect(rotated).toEqual({ current: after.current.kid, previous: before.current.kid });
    expect(after.previous?.kid).toBe(before.current.kid);
    expect(after.jwks().keys.map((key) => key.kid)).toEqual([after.current.kid, before.current.kid]);
    expect(after.find(before.current.kid)).toBeDefined();
    expect((await stat(join(keysDirectory(dataDir), 'previous.pem'))).mode & 0o777).toBe(0o600);
    expect(after.jwks().keys.every((key) => !('d' in key))).toBe(true);
  });

  it('refuses key files that are not P-256 or RSA >= 2048, naming the variable', async () => {
    const file = join(dataDir, 'p384.pem');
    const pem = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey.export({
      format: 'pem',
      type: 'pkcs8',
    });
    await writeFile(file, pem);
    await expect(loadKeyRing({ dataDir, signingKeyFile: file })).rejects.toThrow(/JWT_SIGNING_KEY_FILE/);
    await expect(loadKeyRing({ dataDir, signingKeyFile: join(dataDir, 'missing.pem') })).rejects.toThrow(
      /JWT_SIGNING_KEY_FILE: cannot read/,
    );
  });
});
