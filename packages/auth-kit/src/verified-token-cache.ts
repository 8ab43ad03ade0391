// Remembers tokens already verified, keyed by the token string, so the hot path skips the signature check.
// An entry lives until the token's `exp` and never beyond; clock tolerance is not extended to cached entries.
// It remembers the `kid` that verified the token, so the verifier can drop it once that key is withdrawn.
import { LRUCache } from 'lru-cache';
import type { VerifiedToken } from './verified-token.js';

export interface CachedVerification {
  verified: VerifiedToken;
  kid: string;
}

export interface VerifiedTokenCache {
  get(token: string): CachedVerification | undefined;
  set(entry: CachedVerification): void;
  delete(token: string): void;
  clear(): void;
}

export function createVerifiedTokenCache(maxEntries: number): VerifiedTokenCache {
  const lru = maxEntries > 0 ? new LRUCache<string, CachedVerification>({ max: maxEntries }) : undefined;
  return {
    get(token) {
      const hit = lru?.get(token);
      if (hit === undefined) return undefined;
      // lru-cache measures ttl on its own monotonic clock; the wall clock is what `exp` is compared against
      if (hit.verified.expiresAt * 1000 <= Date.now()) {
        lru?.delete(token);
        return undefined;
      }
      return hit;
    },
    set(entry) {
      const ttl = entry.verified.expiresAt * 1000 - Date.now();
      if (ttl > 0) lru?.set(entry.verified.token, entry, { ttl });
    },
    delete(token) {
      lru?.delete(token);
    },
    clear() {
      lru?.clear();
    },
  };
}
