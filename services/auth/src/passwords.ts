// Password hashing with scrypt (node:crypto): a random salt per user and the cost parameters stored with the hash,
// so the cost can be raised later and old hashes still verify (and are upgraded on the next successful login).
// Each derivation holds 128 * N * r bytes (128 MiB at OWASP's minimum) for its whole run, so at most `concurrency`
// run at once, whatever the number of concurrent logins: the memory of a replica stays within its limit. A queue
// longer than `queueLimit` is refused at once, and a derivation that waited `maxWaitMs` for its slot is refused instead
// of started (PasswordHasherBusyError, a 503 with Retry-After): on a slow or busy machine an answer never arrives
// after the gateway gave up on it (a registration done after its 504 would make the client's retry a 409).
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import pLimit from 'p-limit';

export interface ScryptParameters {
  /** CPU/memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
}

/** OWASP's minimum for scrypt (Password Storage Cheat Sheet): N=2^17, r=8, p=1; 128 MiB and ~0.4 s per hash here. */
export const DEFAULT_SCRYPT_PARAMETERS: ScryptParameters = { N: 2 ** 17, r: 8, p: 1 };

export interface HashingLimits {
  /** Derivations running at once (each holds 128 * N * r bytes). */
  concurrency: number;
  /** Derivations allowed to wait for a slot; one more is refused with PasswordHasherBusyError. */
  queueLimit: number;
  /** A derivation that waited this long for its slot is refused rather than started (PasswordHasherBusyError). */
  maxWaitMs: number;
}

export const DEFAULT_HASHING_LIMITS: HashingLimits = { concurrency: 1, queueLimit: 32, maxWaitMs: 2_000 };

/** Too many hashes are waiting: the login or registration should be retried shortly (503). */
export class PasswordHasherBusyError extends Error {
  override readonly name = 'PasswordHasherBusyError';
  constructor() {
    super('Too many password checks are waiting; retry shortly');
  }
}

/** What the hasher has done, for metrics and tests. */
export interface HashingStats {
  /** Derivations started: hashes, verifications and dummy verifications. */
  derivations: number;
  /** The most derivations that ever ran at once. */
  peakConcurrent: number;
}

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
  stats(): HashingStats;
}

export function createPasswordHasher(
  parameters: ScryptParameters = DEFAULT_SCRYPT_PARAMETERS,
  limits: HashingLimits = DEFAULT_HASHING_LIMITS,
): PasswordHasher {
  let dummy: Promise<string> | undefined;
  const slots = pLimit(limits.concurrency);
  const stats: HashingStats = { derivations: 0, peakConcurrent: 0 };

  const limitedDerive = (password: string, salt: Buffer, params: ScryptParameters): Promise<Buffer> => {
    if (slots.pendingCount >= limits.queueLimit) return Promise.reject(new PasswordHasherBusyError());
    const queuedAt = performance.now();
    return slots(() => {
      if (performance.now() - queuedAt > limits.maxWaitMs) throw new PasswordHasherBusyError();
      stats.derivations++;
      stats.peakConcurrent = Math.max(stats.peakConcurrent, slots.activeCount);
      return derive(password, salt, params);
    });
  };

  const hash = async (password: string) => {
    const salt = randomBytes(SALT_BYTES);
    const key = await limitedDerive(password, salt, parameters);
    const { N, r, p } = parameters;
    return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
  };

  const verify = async (password: string, stored: string) => {
    const parsed = parse(stored);
    if (!parsed) return false;
    const key = await limitedDerive(password, parsed.salt, parsed.parameters);
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
      let stored: string;
      try {
        stored = await dummy;
      } catch (error) {
        dummy = undefined; // refused while busy: made on a later call instead
        throw error;
      }
      await verify(password, stored);
    },
    stats: () => ({ ...stats }),
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
