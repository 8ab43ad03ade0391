// Password hashing with scrypt (node:crypto): a random salt per user and the cost parameters stored with the hash,
// so the cost can be raised later and old hashes still verify (and are upgraded on the next successful login).
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptParameters {
  /** CPU/memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
}

/** OWASP's scrypt baseline (2^17 would be stronger, at 128 MiB per concurrent login). */
export const DEFAULT_SCRYPT_PARAMETERS: ScryptParameters = { N: 2 ** 15, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;
// "scrypt$N$r$p$salt$hash", salt and hash in base64url
const FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([\w-]+)\$([\w-]+)$/;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** True when the password matches; a stored hash that cannot be parsed never matches. */
  verify(password: string, stored: string): Promise<boolean>;
  /** True when the stored hash was made with weaker parameters than the current ones. */
  needsRehash(stored: string): boolean;
  /**
   * Spends the same time as verify() against a real hash, for logins with an unknown email, so response time
   * does not reveal which emails have accounts.
   */
  verifyDummy(password: string): Promise<void>;
}

export function createPasswordHasher(parameters: ScryptParameters = DEFAULT_SCRYPT_PARAMETERS): PasswordHasher {
  let dummy: Promise<string> | undefined;

  const hash = async (password: string) => {
    const salt = randomBytes(SALT_BYTES);
    const key = await derive(password, salt, parameters);
    const { N, r, p } = parameters;
    return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
  };

  const verify = async (password: string, stored: string) => {
    const parsed = parse(stored);
    if (!parsed) return false;
    const key = await derive(password, parsed.salt, parsed.parameters);
    return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
  };

  return {
    hash,
    verify,
    needsRehash(stored) {
      const parsed = parse(stored);
      if (!parsed) return true;
      const { N, r, p } = parsed.parameters;
      return N < parameters.N || r < parameters.r || p < parameters.p;
    },
    async verifyDummy(password) {
      dummy ??= hash(randomBytes(16).toString('base64url'));
      await verify(password, await dummy);
    },
  };
}

function parse(stored: string): { parameters: ScryptParameters; salt: Buffer; key: Buffer } | undefined {
  const match = FORMAT.exec(stored);
  if (!match) return undefined;
  const [, N, r, p, salt, key] = match;
  const parameters = { N: Number(N), r: Number(r), p: Number(p) };
  // bounds a corrupted or hostile row to at most 256 MiB of work instead of an exception or an exhausted host
  if (parameters.N < 2 || parameters.N > 2 ** 20 || parameters.r < 1 || parameters.r > 32) return undefined;
  if (parameters.p < 1 || parameters.p > 16) return undefined;
  return { parameters, salt: Buffer.from(salt!, 'base64url'), key: Buffer.from(key!, 'base64url') };
}

function derive(password: string, salt: Buffer, { N, r, p }: ScryptParameters): Promise<Buffer> {
  // Node refuses above maxmem (32 MiB by default), which N=2^15, r=8 needs exactly: allow twice the requirement
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolvePromise, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, options, (error, key) =>
      error ? reject(error) : resolvePromise(key),
    );
  });
}
