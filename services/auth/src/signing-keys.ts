// The key ring: the next key (published in the JWKS, signing nothing yet), the current key (signs every token) and
// the previous key (published, public half only, until the tokens it signed have expired). A rotation promotes a key
// every verifier already had for a while, so none of them, Istio's edge included (it keeps the JWKS 5 minutes and
// does not refetch for an unknown kid), ever sees a token signed by a key it does not know yet.
//
// One directory layout everywhere: JWT_KEYS_DIR (a mounted Secret, compose's secrets volume), or DATA_DIR/auth/keys
// where the keys are generated on first start and kept so tokens survive a restart:
//   current.pem    private key (PKCS#8; EC P-256 for ES256, RSA >= 2048 bits for RS256)
//   next.pem       its public half is published; the private half may be absent (kept by the rotation tool)
//   previous.pem   optional (absent or empty: none); public key only, after a line "Retired-At: <ISO 8601 time>"
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { chmod, link, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export type SigningAlgorithm = 'ES256' | 'RS256';

export interface PublicSigningKey {
  /** RFC 7638 JWK thumbprint of the public key. */
  kid: string;
  algorithm: SigningAlgorithm;
  publicKey: KeyObject;
}

export interface SigningKey extends PublicSigningKey {
  privateKey: KeyObject;
}

export interface RetiredKey {
  key: PublicSigningKey;
  /** When it stopped signing. */
  retiredAt: Date;
  /** When it leaves the JWKS: retiredAt plus the longest life of a token it signed. */
  withdrawnAt: Date;
}

export interface Jwk {
  kty: string;
  kid: string;
  alg: SigningAlgorithm;
  use: 'sig';
  [member: string]: string;
}

export interface KeyRing {
  /** Signs every new token. */
  readonly current: SigningKey;
  /** Published before it signs anything. */
  readonly next: PublicSigningKey;
  /** Published until `withdrawnAt`; undefined when there is none (first start, after an emergency rotation). */
  readonly previous: RetiredKey | undefined;
  /** The published key with this kid, if any (the previous key only until its withdrawal). */
  find(kid: string): PublicSigningKey | undefined;
  /** The published public keys as a JWK Set: current, next, and previous until its withdrawal. */
  jwks(): { keys: Jwk[] };
}

export interface KeyRingOptions {
  /** A key ring directory to read (JWT_KEYS_DIR); nothing is generated there. */
  keysDir?: string | undefined;
  /** Otherwise keys are generated and kept under DATA_DIR/auth/keys. */
  dataDir: string;
  /** How long the previous key stays published after it stopped signing: access-token lifetime plus clock skew. */
  previousPublishedSeconds: number;
  /** Now, for tests. */
  now?: () => number;
}

/** Where generated keys are kept, relative to DATA_DIR. */
export const keysDirectory = (dataDir: string) => join(dataDir, 'auth', 'keys');
export const CURRENT = 'current.pem';
export const NEXT = 'next.pem';
export const PREVIOUS = 'previous.pem';
/** Verifiers keep a JWKS this long (auth-kit and Istio's edge): a next key must be published at least as long. */
export const JWKS_CACHE_SECONDS = 300;
const RETIRED_AT = /^Retired-At:[ \t]*(\S+)[ \t]*$/im;
const PRIVATE_PEM = /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/;

export async function loadKeyRing(options: KeyRingOptions): Promise<KeyRing> {
  const now = options.now ?? Date.now;
  const explicit = options.keysDir !== undefined;
  const directory = options.keysDir ?? keysDirectory(options.dataDir);
  const source = (file: string) => (explicit ? `JWT_KEYS_DIR: ${join(directory, file)}` : join(directory, file));

  const currentPem = explicit
    ? await readRequired(directory, CURRENT, source(CURRENT))
    : await readOrCreate(directory, CURRENT);
  const nextPem = explicit ? await readRequired(directory, NEXT, source(NEXT)) : await readOrCreate(directory, NEXT);
  let previousText = await readFile(join(directory, PREVIOUS), 'utf8').catch(ignoreMissing);
  if (!explicit && previousText && PRIVATE_PEM.test(previousText))
    previousText = await upgradeLegacyPrevious(directory);

  const current = signingKeyFrom(currentPem, source(CURRENT));
  const next = publicKeyFrom(nextPem, source(NEXT));
  const previous =
    previousText && previousText.trim() !== ''
      ? retiredKeyFrom(previousText, source(PREVIOUS), options.previousPublishedSeconds)
      : undefined;
  return keyRing(current, next, previous, now);
}

export interface RotationOptions {
  /** Withdraw the current key at once instead of publishing it as previous (it may have leaked). */
  emergency?: boolean;
  previousPublishedSeconds: number;
  now?: () => number;
}

export interface RotationResult {
  current: string;
  next: string;
  previous: string | undefined;
}

/**
 * One rotation step on a key ring directory holding the next key's private half (DATA_DIR's, or any the caller can
 * write): next becomes current, current becomes previous (public half only, or nothing in an emergency), and a new
 * next is generated. Refused while the previous key is still published (its tokens would be refused early) or the
 * next key is younger than verifiers keep a JWKS, unless it is an emergency. Each file is replaced atomically and in
 * an order where every intermediate ring is valid. Running services pick the ring up on restart.
 */
export async function rotateKeyRing(directory: string, options: RotationOptions): Promise<RotationResult> {
  const now = options.now ?? Date.now;
  const ring = await loadKeyRing({
    keysDir: directory,
    dataDir: directory,
    previousPublishedSeconds: options.previousPublishedSeconds,
    now,
  });
  const nextPem = await readFile(join(directory, NEXT), 'utf8');
  if (!PRIVATE_PEM.test(nextPem)) {
    throw new Error(`${join(directory, NEXT)} holds only a public key: rotate where its private half is kept`);
  }
  if (!options.emergency) {
    if (ring.previous && ring.previous.withdrawnAt.getTime() > now()) {
      throw new Error(
        `the previous key is published until ${ring.previous.withdrawnAt.toISOString()} for the tokens it signed; ` +
          'rotate after that (or rotate as an emergency, which withdraws the current key at once)',
      );
    }
    const publishedSince = (await stat(join(directory, NEXT))).mtimeMs;
    const ready = publishedSince + JWKS_CACHE_SECONDS * 1000;
    if (ready > now()) {
      throw new Error(
        `the next key was made at ${new Date(publishedSince).toISOString()}; verifiers keep a JWKS for ` +
          `${JWKS_CACHE_SECONDS} s, so rotate after ${new Date(ready).toISOString()} (once every auth replica serves it)`,
      );
    }
  }
  const currentPem = await readFile(join(directory, CURRENT), 'utf8');
  if (options.emergency) {
    await rm(join(directory, PREVIOUS), { force: true });
  } else {
    const publicPem = ring.current.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    await writeAtomically(join(directory, PREVIOUS), retiredPem(publicPem, new Date(now())));
  }
  await writeAtomically(join(directory, CURRENT), nextPem);
  const newNextPem = generatePem();
  await writeAtomically(join(directory, NEXT), newNextPem);
  return {
    current: ring.next.kid,
    next: publicKeyFrom(newNextPem, NEXT).kid,
    previous: options.emergency ? undefined : signingKeyFrom(currentPem, CURRENT).kid,
  };
}

/**
 * A DATA_DIR written before the key ring kept the previous key's private half and no retirement time: keep only its
 * public half, retired when the file was last written (the rotation that made it).
 */
async function upgradeLegacyPrevious(directory: string): Promise<string> {
  const file = join(directory, PREVIOUS);
  const [pem, { mtime }] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
  const publicPem = createPublicKey(pem).export({ format: 'pem', type: 'spki' }).toString();
  const upgraded = retiredPem(publicPem, mtime);
  await writeAtomically(file, upgraded);
  return upgraded;
}

/** previous.pem's content: the retirement time, then the public key. */
export function retiredPem(publicPem: string, retiredAt: Date): string {
  return `Retired-At: ${retiredAt.toISOString()}\n${publicPem.trimEnd()}\n`;
}

function keyRing(
  current: SigningKey,
  next: PublicSigningKey,
  previous: RetiredKey | undefined,
  now: () => number,
): KeyRing {
  const published = () => {
    const keys: PublicSigningKey[] = [current, next];
    if (previous && previous.withdrawnAt.getTime() > now()) keys.push(previous.key);
    // a key in two places (half-way through a rotation step) is listed once
    return [...new Map(keys.map((key) => [key.kid, key])).values()];
  };
  return {
    current,
    next,
    previous,
    find: (kid) => published().find((key) => key.kid === kid),
    jwks: () => ({ keys: published().map(toJwk) }),
  };
}

// ES256: P-256 keys are generated in a millisecond (first start, rotation, tests), tokens and JWKS stay small,
// and every verifier of the platform (auth-kit, Istio) accepts it. RS256 keys from files are accepted too.
function generatePem(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

async function readOrCreate(directory: string, name: string): Promise<string> {
  const file = join(directory, name);
  const existing = await readFile(file, 'utf8').catch(ignoreMissing);
  if (existing) return existing;
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const temporary = temporaryName(file);
  await writeFile(temporary, generatePem(), { mode: 0o600, flag: 'wx' });
  try {
    // link fails when the file exists: of two replicas starting on one empty DATA_DIR, the first one's key wins
    await link(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await rm(temporary, { force: true });
  }
  return readFile(file, 'utf8');
}

async function writeAtomically(file: string, content: string): Promise<void> {
  const temporary = temporaryName(file);
  await writeFile(temporary, content, { mode: 0o600, flag: 'wx' });
  await chmod(temporary, 0o600); // the umask may have narrowed the mode further, never widened it; make it exact
  await rename(temporary, file);
}

async function readRequired(directory: string, name: string, source: string): Promise<string> {
  try {
    return await readFile(join(directory, name), 'utf8');
  } catch (error) {
    throw new Error(`${source}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

function retiredKeyFrom(text: string, source: string, publishedSeconds: number): RetiredKey {
  // the previous key only verifies: its private half has no business on this machine any more
  if (PRIVATE_PEM.test(text)) {
    throw new Error(`${source}: holds a private key; the previous key is mounted as its public half only`);
  }
  const begin = text.indexOf('-----BEGIN');
  const retired = RETIRED_AT.exec(begin >= 0 ? text.slice(0, begin) : text)?.[1];
  const retiredAt = retired === undefined ? undefined : new Date(retired);
  if (!retiredAt || Number.isNaN(retiredAt.getTime())) {
    throw new Error(
      `${source}: needs a line "Retired-At: <ISO 8601 time>" before the key (when it stopped signing), so auth knows when to withdraw it`,
    );
  }
  const key = publicKeyFrom(text.slice(begin), source);
  return { key, retiredAt, withdrawnAt: new Date(retiredAt.getTime() + publishedSeconds * 1000) };
}

function signingKeyFrom(pem: string, source: string): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (error) {
    throw new Error(`${source}: not a PEM private key (${(error as Error).message})`);
  }
  const publicKey = createPublicKey(privateKey);
  return { ...describe(publicKey, source), privateKey };
}

function publicKeyFrom(pem: string, source: string): PublicSigningKey {
  let publicKey: KeyObject;
  try {
    // a private key PEM yields its public half: next.pem may hold either
    publicKey = createPublicKey(pem);
  } catch (error) {
    throw new Error(`${source}: not a PEM key (${(error as Error).message})`);
  }
  return describe(publicKey, source);
}

function describe(publicKey: KeyObject, source: string): PublicSigningKey {
  const details = publicKey.asymmetricKeyDetails;
  let algorithm: SigningAlgorithm;
  if (publicKey.asymmetricKeyType === 'ec' && details?.namedCurve === 'prime256v1') algorithm = 'ES256';
  else if (publicKey.asymmetricKeyType === 'rsa' && (details?.modulusLength ?? 0) >= 2048) algorithm = 'RS256';
  else throw new Error(`${source}: the key must be EC P-256 (ES256) or RSA of at least 2048 bits (RS256)`);
  return { kid: thumbprint(publicKey), algorithm, publicKey };
}

/** RFC 7638: SHA-256 over the required members of the JWK, in lexicographic order, without whitespace. */
export function thumbprint(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  const members =
    jwk.kty === 'EC' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : { e: jwk.e, kty: jwk.kty, n: jwk.n };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

function toJwk(key: PublicSigningKey): Jwk {
  const jwk = key.publicKey.export({ format: 'jwk' }) as Record<string, string>;
  return { ...jwk, kty: jwk.kty!, kid: key.kid, alg: key.algorithm, use: 'sig' };
}

// unique per call, also between concurrent calls in one process
const temporaryName = (file: string) => `${file}.${randomBytes(6).toString('hex')}.tmp`;

function ignoreMissing(error: NodeJS.ErrnoException): undefined {
  if (error.code === 'ENOENT') return undefined;
  throw error;
}
