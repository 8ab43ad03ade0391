// Remembers tokens already verified, keyed by the token string, so the hot path skips the signature check.
// An entry lives until the token's `exp` and never beyond; clock tolerance is not extended to cached entries.
import { LRUCache } from 'lru-cache';
import type { VerifiedToken } from './verified-token.js';

export interface VerifiedTokenCache {
  get(token: string): VerifiedToken | undefined;
  set(verified: VerifiedToken): void;
  clear(): void;
}

export function createVerifiedTokenCache(maxEntries: number): VerifiedTokenCache {
  const lru = maxEntries > 0 ? new LRUCache<string, VerifiedToken>({ max: maxEntries }) : undefined;
  return {
    get(token) {
      const hit = lru?.get(token);
      if (hit === undefined) return undefined;
      // lru-cache measures ttl on its own monotonic clock; the wall clock is what `exp` is compared against
      if (hit.expiresAt * 1000 <= Date.now()) {
        lru?.delete(token);
        return undefined;
      }
      return hit;
    },
    set(verified) {
      const ttl = verified.expiresAt * 1000 - Date.now();
      if (ttl > 0) lru?.set(verified.token, verified, { ttl });
    },
    clear() {
      lru?.clear();
    },
  };
}
