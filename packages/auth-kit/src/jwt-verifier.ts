// Verifies access tokens against the issuer's JWKS under the platform's rules (src/access-token.ts): RS256/ES256
// only, typ at+jwt, no crit, kid required, iss/aud/exp/iat/sub required, lifetime capped, at most 60 s of skew.
import {
  type AccessTokenRules,
  MAX_CLOCK_TOLERANCE_SECONDS,
  MAX_TOKEN_LIFETIME_SECONDS,
  readAccessTokenHeader,
  verifyAccessToken,
} from './access-token.js';
import { createJwksKeyStore } from './jwks-key-store.js';
import type { VerifiedToken } from './verified-token.js';
import { createVerifiedTokenCache } from './verified-token-cache.js';

export {
  ACCEPTED_ALGORITHMS,
  type AcceptedAlgorithm,
  MAX_CLOCK_TOLERANCE_SECONDS,
  MAX_TOKEN_LIFETIME_SECONDS,
} from './access-token.js';

export interface JwtVerifierOptions {
  /** The issuer's JWKS, e.g. `http://127.0.0.1:8081/.well-known/jwks.json`. */
  jwksUrl: string;
  /** Expected `iss`, exactly. */
  issuer: string;
  /** Expected `aud` (a token whose `aud` array contains it is accepted). */
  audience: string;
  /** Allowed clock skew for `exp`, `nbf` and `iat`; 0 to 60 (default 60). */
  clockToleranceSeconds?: number;
  /** Longest `exp - iat` accepted (plus the skew); 1 to 900 (default 900, the contract's 15 minutes). */
  maxTokenLifetimeSeconds?: number;
  /** Least time between two JWKS fetches caused by an unknown kid (default 30 s). */
  jwksRefetchIntervalMs?: number;
  /** Age after which the JWKS is fetched again on next use, so withdrawn keys stop being trusted (default 5 min). */
  jwksMaxAgeMs?: number;
  /** Bound of the verified-token cache; 0 turns it off (default 10 000). */
  cacheMaxEntries?: number;
  /** Deadline of one JWKS fetch (default 2 s). */
  fetchTimeoutMs?: number;
}

export interface JwtVerifierStats {
  /** Verifications answered from the verified-token cache. */
  cacheHits: number;
  /** Signature checks performed (cache misses that got as far as a key). */
  signatureChecks: number;
}

export interface JwtVerifier {
  /** Resolves with the token's identity or rejects with a TokenError. */
  verify(token: string): Promise<VerifiedToken>;
  stats(): JwtVerifierStats;
  /** Drops the cached tokens and keys. */
  close(): void;
}

export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  const config = validated(options);
  const keys = createJwksKeyStore({
    jwksUrl: config.jwksUrl,
    refetchIntervalMs: config.jwksRefetchIntervalMs,
    maxAgeMs: config.jwksMaxAgeMs,
    fetchTimeoutMs: config.fetchTimeoutMs,
  });
  const cache = createVerifiedTokenCache(config.cacheMaxEntries);
  const stats: JwtVerifierStats = { cacheHits: 0, signatureChecks: 0 };

  const rules: AccessTokenRules = {
    issuer: config.issuer,
    audience: config.audience,
    clockToleranceSeconds: config.clockToleranceSeconds,
    maxLifetimeSeconds: config.maxTokenLifetimeSeconds,
  };

  return {
    async verify(token) {
      const cached = cache.get(token);
      if (cached !== undefined) {
        try {
          // a cached token stays accepted only while the key that verified it is still published
          await keys.keyFor(cached.kid);
        } catch (error) {
          cache.delete(token);
          throw error;
        }
        stats.cacheHits++;
        return cached.verified;
      }

      const header = readAccessTokenHeader(token);
      const key = await keys.keyFor(header.kid);
      stats.signatureChecks++;
      const verified: VerifiedToken = verifyAccessToken(token, header, key, rules);
      cache.set({ verified, kid: header.kid });
      return verified;
    },
    stats() {
      return { ...stats };
    },
    close() {
      cache.clear();
      keys.clear();
    },
  };
}

function validated(options: JwtVerifierOptions): Required<JwtVerifierOptions> {
  // `??` rather than spread defaults: an explicit `undefined` (an unset env var) must still get the default
  const config: Required<JwtVerifierOptions> = {
    jwksUrl: options.jwksUrl,
    issuer: options.issuer,
    audience: options.audience,
    clockToleranceSeconds: options.clockToleranceSeconds ?? MAX_CLOCK_TOLERANCE_SECONDS,
    maxTokenLifetimeSeconds: options.maxTokenLifetimeSeconds ?? MAX_TOKEN_LIFETIME_SECONDS,
    jwksRefetchIntervalMs: options.jwksRefetchIntervalMs ?? 30_000,
    // Istio's edge keeps a JWKS 5 minutes too: a withdrawn key is dropped everywhere within the same bound
    jwksMaxAgeMs: options.jwksMaxAgeMs ?? 300_000,
    cacheMaxEntries: options.cacheMaxEntries ?? 10_000,
    fetchTimeoutMs: options.fetchTimeoutMs ?? 2_000,
  };
  let url: URL;
  try {
    url = new URL(config.jwksUrl);
  } catch {
    throw new TypeError(`jwksUrl is not a URL: ${config.jwksUrl}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('jwksUrl must be http(s)');
  if (!config.issuer) throw new TypeError('issuer is required');
  if (!config.audience) throw new TypeError('audience is required');
  const tolerance = config.clockToleranceSeconds;
  if (!Number.isFinite(tolerance) || tolerance < 0 || tolerance > MAX_CLOCK_TOLERANCE_SECONDS) {
    throw new RangeError(`clockToleranceSeconds must be between 0 and ${MAX_CLOCK_TOLERANCE_SECONDS}`);
  }
  const lifetime = config.maxTokenLifetimeSeconds;
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_TOKEN_LIFETIME_SECONDS) {
    throw new RangeError(`maxTokenLifetimeSeconds must be an integer between 1 and ${MAX_TOKEN_LIFETIME_SECONDS}`);
  }
  for (const name of ['jwksRefetchIntervalMs', 'jwksMaxAgeMs', 'cacheMaxEntries', 'fetchTimeoutMs'] as const) {
    if (!Number.isInteger(config[name]) || config[name] < 0) throw new RangeError(`${name} must be an integer >= 0`);
  }
  if (config.fetchTimeoutMs === 0) throw new RangeError('fetchTimeoutMs must be > 0');
  return config;
}
