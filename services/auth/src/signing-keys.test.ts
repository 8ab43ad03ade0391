import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keysDirectory, loadKeyRing, retiredPem, rotateKeyRing, thumbprint } from './signing-keys.js';

const PUBLISHED = 960; // a 900 s token plus 60 s of skew
const ec = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const privatePem = (key = ec()) => key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const publicPem = (key = ec()) => key.publicKey.export({ format: 'pem', type: 'spki' }).toString();
const kidsOf = (ring: { jwks(): { keys: { kid: string }[] } }) => ring.jwks().keys.map((key) => key.kid);

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

  const load = (options: { keysDir?: string; now?: () => number } = {}) =>
    loadKeyRing({ dataDir, previousPublishedSeconds: PUBLISHED, ...options });

  /** Makes the next key look published for longer than verifiers cache a JWKS. */
  const age = (directory: string) =>
    utimes(join(directory, 'next.pem'), new Date(Date.now() - 600_000), new Date(Date.now() - 600_000));

  it('generates an ES256 current and next key on first start, readable by the owner only, and loads them again', async () => {
    const first = await load();
    expect(first.current.algorithm).toBe('ES256');
    expect(first.current.kid).toBe(thumbprint(first.current.publicKey));
    expect(first.next.kid).not.toBe(first.current.kid);
    expect(first.previous).toBeUndefined();
    // the next key is published before it ever signs
    expect(kidsOf(first)).toEqual([first.current.kid, first.next.kid]);
    for (const name of ['current.pem', 'next.pem']) {
      expect((await stat(join(keysDirectory(dataDir), name))).mode & 0o777).toBe(0o600);
    }
    expect((await stat(keysDirectory(dataDir))).mode & 0o077).toBe(0);
    const again = await load();
    expect([again.current.kid, again.next.kid]).toEqual([first.current.kid, first.next.kid]);
  });

  it('gives every replica starting on an empty DATA_DIR at once the same keys', async () => {
    const rings = await Promise.all(Array.from({ length: 5 }, () => load()));
    expect(new Set(rings.map((ring) => `${ring.current.kid} ${ring.next.kid}`)).size).toBe(1);
    expect((await readdir(keysDirectory(dataDir))).sort()).toEqual(['current.pem', 'next.pem']);
  });

  it('rotates in steps: next signs, current is published as previous (public half) until its tokens expired', async () => {
    const before = await load();
    const directory = keysDirectory(dataDir);
    await age(directory);
    const rotatedAt = Date.now();
    const rotated = await rotateKeyRing(directory, { previousPublishedSeconds: PUBLISHED, now: () => rotatedAt });
    const after = await load({ now: () => rotatedAt });
    expect(rotated).toEqual({ current: before.next.kid, next: after.next.kid, previous: before.current.kid });
    expect(after.current.kid).toBe(before.next.kid);
    expect(kidsOf(after)).toEqual([before.next.kid, after.next.kid, before.current.kid]);
    const previousFile = await readFile(join(directory, 'previous.pem'), 'utf8');
    expect(previousFile).toMatch(/^Retired-At: \d{4}-\d\d-\d\dT[\d:.]+Z\n-----BEGIN PUBLIC KEY-----/);
    expect(previousFile).not.toContain('PRIVATE');
    expect((await stat(join(directory, 'previous.pem'))).mode & 0o777).toBe(0o600);
    expect(after.jwks().keys.every((key) => !('d' in key))).toBe(true);

    // published up to the end of the life of the last token it signed, then withdrawn by the running ring itself
    const ring = await load({ now: () => rotatedAt + (PUBLISHED - 1) * 1000 });
    expect(ring.find(before.current.kid)).toBeDefined();
    let clock = rotatedAt + (PUBLISHED - 1) * 1000;
    const running = await load({ now: () => clock });
    clock = rotatedAt + (PUBLISHED + 1) * 1000;
    expect(running.find(before.current.kid)).toBeUndefined();
    expect(kidsOf(running)).toEqual([before.next.kid, after.next.kid]);
  });

  it('refuses a rotation that would withdraw the previous key early or sign with a key verifiers may not have', async () => {
    await load();
    const directory = keysDirectory(dataDir);
    // the next key was made a moment ago: Istio's edge may not have fetched it yet
    await expect(rotateKeyRing(directory, { previousPublishedSeconds: PUBLISHED })).rejects.toThrow(
      /verifiers keep a JWKS for 300 s/,
    );
    await age(directory);
    await rotateKeyRing(directory, { previousPublishedSeconds: PUBLISHED });
    await age(directory);
    await expect(rotateKeyRing(directory, { previousPublishedSeconds: PUBLISHED })).rejects.toThrow(
      /the previous key is published until/,
    );
  });

  it('withdraws the current key at once in an emergency rotation', async () => {
    const before = await load();
    const directory = keysDirectory(dataDir);
    const rotated = await rotateKeyRing(directory, { emergency: true, previousPublishedSeconds: PUBLISHED });
    const after = await load();
    expect(rotated.previous).toBeUndefined();
    expect(after.current.kid).toBe(before.next.kid);
    expect(after.find(before.current.kid)).toBeUndefined();
    expect(kidsOf(after)).toEqual([before.next.kid, after.next.kid]);
  });

  it('reads a key ring directory (a mounted Secret): public next, public previous, nothing generated', async () => {
    const keysDir = join(dataDir, 'secret');
    const [current, next, previous] = [ec(), ec(), ec()];
    await rm(keysDir, { recursive: true, force: true });
    await mkdir(keysDir);
    await writeFile(join(keysDir, 'current.pem'), privatePem(current));
    await writeFile(join(keysDir, 'next.pem'), publicPem(next));
    await writeFile(join(keysDir, 'previous.pem'), retiredPem(publicPem(previous), new Date()));
    const ring = await load({ keysDir });
    expect(kidsOf(ring)).toEqual([current, next, previous].map((key) => thumbprint(key.publicKey)));
    // a rotation needs the next key's private half, which stays with the rotation tool
    await expect(rotateKeyRing(keysDir, { emergency: true, previousPublishedSeconds: PUBLISHED })).rejects.toThrow(
      /holds only a public key/,
    );
    // an empty previous.pem is no previous key (the Secret always has the entry)
    await writeFile(join(keysDir, 'previous.pem'), '');
    expect((await load({ keysDir })).previous).toBeUndefined();
  });

  it('refuses a previous key with its private half, or without its retirement time, naming the file', async () => {
    const keysDir = join(dataDir, 'secret');
    await mkdir(keysDir, { recursive: true });
    await writeFile(join(keysDir, 'current.pem'), privatePem());
    await writeFile(join(keysDir, 'next.pem'), publicPem());
    await writeFile(join(keysDir, 'previous.pem'), retiredPem(privatePem(), new Date()));
    await expect(load({ keysDir })).rejects.toThrow(/JWT_KEYS_DIR: .*previous\.pem: holds a private key/);
    await writeFile(join(keysDir, 'previous.pem'), publicPem());
    await expect(load({ keysDir })).rejects.toThrow(/previous\.pem: needs a line "Retired-At/);
    await rm(join(keysDir, 'next.pem'));
    await expect(load({ keysDir })).rejects.toThrow(/JWT_KEYS_DIR: .*next\.pem: cannot read it \(ENOENT\)/);
  });

  it('keeps only the public half of a previous key a DATA_DIR of the old layout still holds privately', async () => {
    const directory = keysDirectory(dataDir);
    await load();
    const legacy = ec();
    await writeFile(join(directory, 'previous.pem'), privatePem(legacy), { mode: 0o600 });
    const ring = await load();
    expect(ring.previous?.key.kid).toBe(thumbprint(legacy.publicKey));
    expect(await readFile(join(directory, 'previous.pem'), 'utf8')).not.toContain('PRIVATE');
  });

  it('refuses keys that are not P-256 or RSA >= 2048, naming the file', async () => {
    const keysDir = join(dataDir, 'p384');
    await mkdir(keysDir);
    const pem = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey.export({
      format: 'pem',
      type: 'pkcs8',
    });
    await writeFile(join(keysDir, 'current.pem'), pem);
    await writeFile(join(keysDir, 'next.pem'), publicPem());
    await expect(load({ keysDir })).rejects.toThrow(/JWT_KEYS_DIR: .*current\.pem: the key must be EC P-256/);
  });
});
