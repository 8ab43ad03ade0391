// Readiness of the gateway: it can check tokens only while auth's JWKS can be loaded. Catalog and orders are
// deliberately not checked: an unready gateway is taken out of the load balancer entirely, which would take the
// auth routes (login, refresh) down with it; a missing domain service is a 503 on its own routes instead.
import type { ReadinessCheck } from '@platform/service-kit';

export function jwksReachable(jwksUrl: string, timeoutMs: number): ReadinessCheck {
  return async () => {
    const response = await fetch(jwksUrl, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`JWKS answered ${response.status}`);
    const body = (await response.json()) as { keys?: unknown };
    if (!Array.isArray(body.keys) || body.keys.length === 0) throw new Error('JWKS lists no keys');
  };
}
