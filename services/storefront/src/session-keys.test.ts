import { describe, expect, it } from 'vitest';
import { isSessionId, keysOf, newSessionId, open, seal } from './session-keys.js';

describe('session keys', () => {
  it('makes ids of 256 random bits that look like nothing else', () => {
    const ids = new Set(Array.from({ length: 100 }, newSessionId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(isSessionId(id)).toBe(true);
    expect(isSessionId('eyJhbGciOiJFUzI1NiJ9.e30.sig')).toBe(false);
    expect(isSessionId(undefined)).toBe(false);
    expect(isSessionId(`${newSessionId()}x`)).toBe(false);
  });

  it('derives the same keys from the same id, different ones from another, and never the id itself', () => {
    const id = newSessionId();
    expect(keysOf(id)).toEqual(keysOf(id));
    expect(keysOf(id).lookup.equals(keysOf(newSessionId()).lookup)).toBe(false);
    expect(keysOf(id).lookup.equals(keysOf(id).sealing)).toBe(false);
    expect(keysOf(id).lookup.toString('base64url')).not.toBe(id);
  });

  it('opens what it sealed, and nothing sealed for another session or changed since', () => {
    const keys = keysOf(newSessionId());
    const sealed = seal(keys, '{"csrfToken":"abc"}');
    expect(sealed.toString('latin1')).not.toContain('csrfToken');
    expect(open(keys, sealed)).toBe('{"csrfToken":"abc"}');
    expect(() => open(keysOf(newSessionId()), sealed)).toThrow();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => open(keys, tampered)).toThrow();
    // a sealed value moved to another row (another lookup key) does not open there
    expect(() => open({ ...keys, lookup: keysOf(newSessionId()).lookup }, sealed)).toThrow();
  });
});
