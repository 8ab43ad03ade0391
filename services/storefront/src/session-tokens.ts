// When a session's access token is due for a refresh: ahead of its expiry by the configured leeway, but never more
// than half its lifetime ahead, so a short-lived token is still used for a while before it is replaced.
import type { TokenPair } from './gateway-client.js';
import type { SessionTokens } from './sessions.types.js';

export function sessionTokens(pair: TokenPair, leewaySeconds: number, now = Date.now()): SessionTokens {
  const lifetimeMs = pair.expiresIn * 1000;
  const aheadMs = Math.min(leewaySeconds * 1000, lifetimeMs / 2);
  return {
    accessToken: pair.accessToken,
    refreshToken: pair.refreshToken,
    accessExpiresAt: now + lifetimeMs,
    refreshAt: now + lifetimeMs - aheadMs,
  };
}
