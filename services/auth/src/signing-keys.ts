// The key ring: the current signing key and the previous one, both published in the JWKS so tokens signed before a
// rotation stay valid until they expire. Keys come from files (a mounted Secret) when configured; otherwise they
// are generated on first start and kept under DATA_DIR so tokens survive a restart.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { chmod, link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
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
  readonly previous: PublicSigningKey | undefined;
  /** The key with this kid, if the ring holds it. */
  find(kid: string): PublicSigningKey | undefined;
  /** The public keys as a JWK Set. */
  jwks(): { keys: Jwk[] };
}

export interface KeyRingOptions {
  dataDir: string;
  signingKeyFile?: string | undefined;
  previousKeyFile?: string | undefined;
}

/** Where generated keys are kept, relative to DATA_DIR. */
export const keysDirectory = (dataDir: string) => join(dataDir, 'auth', 'keys');
const CURRENT = 'current.pem';
const PREVIOUS = 'previous.pem';

export async function loadKeyRing({ dataDir, signingKeyFile, previousKeyFile }: KeyRingOptions): Promise<KeyRing> {
  if (signingKeyFile) {
    const current = signingKeyFrom(await readPem(signingKeyFile, 'JWT_SIGNING_KEY_FILE'), 'JWT_SIGNING_KEY_FILE');
    const previous = previousKeyFile
      ? publicKeyFrom(await readPem(previousKeyFile, 'JWT_PREVIOUS_KEY_FILE'), 'JWT_PREVIOUS_KEY_FILE')
      : undefined;
    return keyRing(current, previous);
  }
  const directory = keysDirectory(dataDir);
  const current = signingKeyFrom(await readOrCreateCurrent(directory), join(directory, CURRENT));
  const previousPem = await readFile(join(directory, PREVIOUS), 'utf8').catch(ignoreMissing);
  return keyRing(current, previousPem ? publicKeyFrom(previousPem, join(directory, PREVIOUS)) : undefined);
}

/**
 * Moves the current key under DATA_DIR to previous and writes a new current one. Each step replaces one file
 * atomically, so a service starting meanwhile always finds a valid ring. Running services pick it up on restart.
 */
export async function rotateKeys(dataDir: string): Promise<{ current: string; previous: string }> {
  const directory = keysDirectory(dataDir);
  const oldPem = await readOrCreateCurrent(directory);
  await writeAtomically(join(directory, PREVIOUS), oldPem);
  const newPem = generatePem();
  await writeAtomically(join(directory, CURRENT), newPem);
  return {
    current: signingKeyFrom(newPem, CURRENT).kid,
    previous: signingKeyFrom(oldPem, PREVIOUS).kid,
  };
}

function keyRing(current: SigningKey, previous: PublicSigningKey | undefined): KeyRing {
  // the same key as current and previous (e.g. right after a rotation of an empty DATA_DIR) is listed once
  const keys = previous && previous.kid !== current.kid ? [current, previous] : [current];
  const byKid = new Map<string, PublicSigningKey>(keys.map((key) => [key.kid, key]));
  const jwks = { keys: keys.map(toJwk) };
  return {
    current,
    previous: keys[1],
    find: (kid) => byKid.get(kid),
    jwks: () => jwks,
  };
}

// ES256: P-256 keys are generated in a millisecond (first start, rotation, tests), tokens and JWKS stay small,
// and every verifier of the platform (auth-kit, Istio) accepts it. RS256 keys from files are accepted too.
function generatePem(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

async function readOrCreateCurrent(directory: string): Promise<string> {
  const file = join(directory, CURRENT);
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

async function readPem(file: string, variable: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`${variable}: cannot read ${file}: ${(error as Error).message}`);
  }
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
    // a private key PEM yields its public half, so the same Secret format works for both variables
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
