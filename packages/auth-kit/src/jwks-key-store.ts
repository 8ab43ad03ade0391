// Holds the verification keys of one JWKS: fetched once (jwks-rsa parses the JWKs), cached, refreshed when stale,
// and refetched for an unknown `kid` at most once per interval so forged kids cannot make us hammer the issuer.
import { createPublicKey } from 'node:crypto';
import jwksRsa from 'jwks-rsa';
import type { VerificationKey } from './access-token.js';
import { TokenError } from './token-error.js';

export interface JwksKeyStoreOptions {
  jwksUrl: string;
  /** Least time between two fetches caused by an unknown kid or by a stale set. */
  refetchIntervalMs: number;
  /** Age after which the set is fetched again on the next use, so removed keys stop being trusted. */
  maxAgeMs: number;
  /** Deadline of one whole fetch (connect, headers and body). */
  fetchTimeoutMs: number;
}

export interface JwksKeyStore {
  /** The key named `kid`; throws TokenError 'unknown-kid' or 'jwks-unavailable'. */
  keyFor(kid: string): Promise<VerificationKey>;
  clear(): void;
}

// Without any key every request fails anyway; this bounds the retries against an issuer that is down.
const RETRY_WITHOUT_KEYS_MS = 1_000;

export function createJwksKeyStore(options: JwksKeyStoreOptions): JwksKeyStore {
  const client = new jwksRsa.JwksClient({
    jwksUri: options.jwksUrl,
    // The whole set is cached here, so jwks-rsa's per-kid memoizer and token-bucket limiter are not wanted.
    cache: false,
    rateLimit: false,
    fetcher: (url) => fetchJwks(url, options.fetchTimeoutMs),
  });

  let keys: Map<string, VerificationKey> | undefined;
  let loadedAt = 0;
  let attemptedAt = Number.NEGATIVE_INFINITY;
  let lastError: unknown;
  let inFlight: Promise<void> | undefined;

  const sinceAttempt = () => Date.now() - attemptedAt;

  async function load(): Promise<void> {
    attemptedAt = Date.now();
    try {
      const signingKeys = await client.getSigningKeys();
      const next = new Map<string, VerificationKey>();
      for (const signingKey of signingKeys) {
        if (!signingKey.kid) continue;
        next.set(signingKey.kid, {
          kid: signingKey.kid,
          alg: signingKey.alg || undefined,
          key: createPublicKey(signingKey.getPublicKey()),
        });
      }
      keys = next;
      loadedAt = attemptedAt;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
  }

  // Concurrent callers share one fetch; the promise never rejects, the outcome is read from the state.
  function refresh(): Promise<void> {
    inFlight ??= load().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  return {
    async keyFor(kid) {
      if (inFlight) await inFlight;
      if (keys === undefined) {
        if (sinceAttempt() >= RETRY_WITHOUT_KEYS_MS) await refresh();
      } else if (Date.now() - loadedAt >= options.maxAgeMs && sinceAttempt() >= options.refetchIntervalMs) {
        // A failed refresh keeps the previous set: availability over a few more minutes of a removed key.
        await refresh();
      }
      if (keys === undefined) throw new TokenError('jwks-unavailable', { cause: lastError });

      let key = keys.get(kid);
      if (key === undefined && sinceAttempt() >= options.refetchIntervalMs) {
        await refresh();
        key = keys.get(kid);
      }
      if (key === undefined) throw new TokenError('unknown-kid');
      return key;
    },
    clear() {
      keys = undefined;
      attemptedAt = Number.NEGATIVE_INFINITY;
    },
  };
}

// jwks-rsa's own request only has a socket idle timeout; fetch with an abort signal bounds the whole exchange.
async function fetchJwks(url: string, timeoutMs: number): Promise<{ keys: unknown[] }> {
  const response = await fetch(url, {
    headers: { accept: 'application/json' },
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`JWKS endpoint answered HTTP ${response.status}`);
  }
  const body: unknown = await response.json();
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { keys?: unknown }).keys)) {
    throw new Error('JWKS response has no "keys" array');
  }
  return body as { keys: unknown[] };
}
