// Verifies access tokens against the issuer's JWKS under the platform's rules (CONTRACT.md, "Tokens"):
// RS256/ES256 only, kid required, iss/aud/exp/sub required, at most 60 s of clock skew.
import jwt from 'jsonwebtoken';
import { createJwksKeyStore } from './jwks-key-store.js';
import { TokenError, toTokenError } from './token-error.js';
import { toVerifiedToken, type VerifiedToken } from './verified-token.js';
import { createVerifiedTokenCache } from './verified-token-cache.js';

export const ACCEPTED_ALGORITHMS = ['RS256', 'ES256'] as const;
export type AcceptedAlgorithm = (typeof ACCEPTED_ALGORITHMS)[number];
export const MAX_CLOCK_TOLERANCE_SECONDS = 60;
// Far above any real access token; bounds the work and the memory an arbitrary header string can cost.
const MAX_TOKEN_LENGTH = 8_192;

export interface JwtVerifierOptions {
  /** The issuer's JWKS, e.g. `http://127.0.0.1:8081/.well-known/jwks.json`. */
  jwksUrl: string;
  /** Expected `iss`, exactly. */
  issuer: string;
  /** Expected `aud` (a token whose `aud` array contains it is accepted). */
  audience: string;
  /** Allowed clock skew for `exp` and `nbf`; 0 to 60 (default 60). */
  clockToleranceSeconds?: number;
  /** Least time between two JWKS fetches caused by an unknown kid (default 30 s). */
  jwksRefetchIntervalMs?: number;
  /** Age after which the JWKS is fetched again on next use, so removed keys stop being trusted (default 10 min). */
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

  return {
    async verify(token) {
      if (typeof token !== 'string' || token === '') throw new TokenError('missing');
      const cached = cache.get(token);
      if (cached !== undefined) {
        stats.cacheHits++;
        return cached;
      }

      const header = decodeHeader(token);
      if (!isAccepted(header.alg)) throw new TokenError('algorithm');
      if (typeof header.kid !== 'string' || header.kid === '') throw new TokenError('unknown-kid');
      const key = await keys.keyFor(header.kid);
      // A key published for one algorithm is never used with another
      if (key.alg !== undefined && key.alg !== header.alg) throw new TokenError('algorithm');

      stats.signatureChecks++;
      let payload: string | jwt.JwtPayload;
      try {
        payload = jwt.verify(token, key.key, {
          algorithms: [header.alg],
          issuer: config.issuer,
          audience: config.audience,
          clockTolerance: config.clockToleranceSeconds,
        });
      } catch (error) {
        throw toTokenError(error);
      }
      if (typeof payload !== 'object') throw new TokenError('malformed');
      const verified = toVerifiedToken(payload, token);
      cache.set(verified);
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

function isAccepted(alg: unknown): alg is AcceptedAlgorithm {
  return ACCEPTED_ALGORITHMS.includes(alg as AcceptedAlgorithm);
}

function decodeHeader(token: string): jwt.JwtHeader {
  if (token.length > MAX_TOKEN_LENGTH) throw new TokenError('malformed');
  let decoded: jwt.Jwt | null;
  try {
    decoded = jwt.decode(token, { complete: true });
  } catch (error) {
    throw new TokenError('malformed', { cause: error });
  }
  if (decoded === null || typeof decoded.payload !== 'object' || decoded.payload === null) {
    throw new TokenError('malformed');
  }
  return decoded.header;
}

function validated(options: JwtVerifierOptions): Required<JwtVerifierOptions> {
  // `??` rather than spread defaults: an explicit `undefined` (an unset env var) must still get the default
  const config: Required<JwtVerifierOptions> = {
    jwksUrl: options.jwksUrl,
    issuer: options.issuer,
    audience: options.audience,
    clockToleranceSeconds: options.clockToleranceSeconds ?? MAX_CLOCK_TOLERANCE_SECONDS,
    jwksRefetchIntervalMs: options.jwksRefetchIntervalMs ?? 30_000,
    jwksMaxAgeMs: options.jwksMaxAgeMs ?? 600_000,
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
  for (const name of ['jwksRefetchIntervalMs', 'jwksMaxAgeMs', 'cacheMaxEntries', 'fetchTimeoutMs'] as const) {
    if (!Number.isInteger(config[name]) || config[name] < 0) throw new RangeError(`${name} must be an integer >= 0`);
  }
  if (config.fetchTimeoutMs === 0) throw new RangeError('fetchTimeoutMs must be > 0');
  return config;
}
