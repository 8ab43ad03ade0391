// Session ids and the keys they unlock. The id (256 random bits) lives only in the browser's cookie; the database
// keeps a lookup key derived from it and the session sealed with another derived key (AES-256-GCM), so a copy of
// the sessions table alone can neither resume a session nor read the tokens inside one.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const ID_BYTES = 32;
const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface SessionKeys {
  /** Primary key of the session's row. */
  readonly lookup: Buffer;
  /** Seals and opens the session's data. */
  readonly sealing: Buffer;
}

export function newSessionId(): string {
  return randomBytes(ID_BYTES).toString('base64url');
}

/** A cookie value that could be a session id; anything else is ignored without touching the database. */
export function isSessionId(value: string | undefined): value is string {
  return value !== undefined && ID_PATTERN.test(value);
}

export function keysOf(sessionId: string): SessionKeys {
  const secret = Buffer.from(sessionId, 'base64url');
  const derive = (purpose: string) => Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), purpose, 32));
  return { lookup: derive('storefront session lookup'), sealing: derive('storefront session sealing') };
}

/** iv | tag | ciphertext; the lookup key is authenticated too, so a sealed value cannot be moved to another row. */
export function seal(keys: SessionKeys, plaintext: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keys.sealing, iv);
  cipher.setAAD(keys.lookup);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
}

/** Throws when the value was not sealed with these keys or was changed since. */
export function open(keys: SessionKeys, sealed: Buffer): string {
  const iv = sealed.subarray(0, IV_BYTES);
  const tag = sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', keys.sealing, iv);
  decipher.setAAD(keys.lookup);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
}
