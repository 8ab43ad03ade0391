// Calls to the gateway on behalf of the signed-in person, with the session's access token kept fresh on the server:
// refreshed ahead of its expiry, and once more when the gateway answers 401. One request at a time refreshes a
// session, across replicas (a lease in its row), because auth treats a refresh token presented twice as stolen and
// ends the whole login. A refresh that auth refuses ends the session: the person is sent to log in again.
import type { FastifyRequest } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import { type CallContext, type GatewayClient, GatewayProblem } from './gateway-client.js';
import type { SessionStore } from './session-store.js';
import { sessionTokens } from './session-tokens.js';
import type { Session, SessionTokens } from './sessions.types.js';

/** The person must (again) log in: they never did, or their session or login ended. */
export class LoginRequired extends Error {
  override readonly name = 'LoginRequired';
  constructor(
    readonly reason: 'signed-out' | 'session-ended',
    /** Where to come back to after logging in. */
    readonly returnTo?: string,
  ) {
    super(reason === 'signed-out' ? 'not signed in' : 'the session ended');
  }
}

export interface SignedInCallsOptions {
  store: SessionStore;
  gateway: GatewayClient;
  registry: Registry;
  leewaySeconds: number;
  /** How long one refresh may hold the session's lease (past the gateway's deadline, so it never overlaps). */
  leaseMs: number;
  /** How often a request waiting for another's refresh looks again. */
  pollMs?: number;
  now?: () => number;
}

type Outcome = 'refreshed' | 'joined' | 'refused' | 'failed';

export interface SignedInCalls {
  /** Runs fn with a fresh access token of the request's session; throws LoginRequired when there is none. */
  call<T>(request: FastifyRequest, fn: (accessToken: string) => Promise<T>, returnTo?: string): Promise<T>;
}

export function createSignedInCalls(options: SignedInCallsOptions): SignedInCalls {
  const { store, gateway, leaseMs, pollMs = 100 } = options;
  const now = options.now ?? Date.now;
  const inFlight = new Map<string, Promise<SessionTokens>>();
  const refreshes = new Counter({
    name: 'storefront_token_refreshes_total',
    help: "Refreshes of sessions' access tokens: refreshed, joined (another request's), refused (session ended), failed.",
    labelNames: ['outcome'],
    registers: [options.registry],
  });

  const adopt = (request: FastifyRequest, session: Session, tokens: SessionTokens, outcome: Outcome) => {
    refreshes.inc({ outcome });
    if (request.session?.id === session.id) {
      request.session = { ...session, data: { ...session.data, tokens } };
    }
    return tokens;
  };

  async function refreshUnderLease(
    request: FastifyRequest,
    session: Session,
    stale: SessionTokens,
    returnTo: string | undefined,
  ): Promise<SessionTokens> {
    const waitUntil = now() + leaseMs + pollMs;
    for (;;) {
      const data = await store.takeRefreshLease(session.id, leaseMs);
      if (data) {
        if (!data.tokens) {
          await store.releaseRefreshLease(session.id);
          throw new LoginRequired('session-ended', returnTo);
        }
        if (data.tokens.accessToken !== stale.accessToken) {
          // another request refreshed while this one waited for the lease
          await store.releaseRefreshLease(session.id);
          return adopt(request, session, data.tokens, 'joined');
        }
        let tokens: SessionTokens;
        try {
          tokens = sessionTokens(
            await gateway.refresh(contextOf(request), data.tokens.refreshToken),
            options.leewaySeconds,
            now(),
          );
        } catch (error) {
          if (error instanceof GatewayProblem && (error.status === 400 || error.status === 401)) {
            refreshes.inc({ outcome: 'refused' });
            await store.destroy(session.id);
            throw new LoginRequired('session-ended', returnTo);
          }
          refreshes.inc({ outcome: 'failed' });
          await store.releaseRefreshLease(session.id);
          // auth is briefly out of reach: the old token serves while it lasts, the next request tries again
          if (now() < data.tokens.accessExpiresAt) return data.tokens;
          throw error;
        }
        await store.releaseRefreshLease(session.id, { ...data, tokens });
        return adopt(request, session, tokens, 'refreshed');
      }
      // another request (perhaps in another replica) holds the lease: take its result once it is stored
      const latest = await store.load(session.id);
      if (!latest?.data.tokens) throw new LoginRequired('session-ended', returnTo);
      if (latest.data.tokens.accessToken !== stale.accessToken) {
        return adopt(request, session, latest.data.tokens, 'joined');
      }
      if (now() > waitUntil) throw new GatewayProblem(503, 'The session is being refreshed elsewhere', 1);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  const refresh = (
    request: FastifyRequest,
    session: Session,
    stale: SessionTokens,
    returnTo: string | undefined,
  ): Promise<SessionTokens> => {
    // requests of one session in this process share one refresh; other replicas are kept out by the lease
    let running = inFlight.get(session.id);
    if (!running) {
      running = refreshUnderLease(request, session, stale, returnTo).finally(() => inFlight.delete(session.id));
      inFlight.set(session.id, running);
    }
    return running;
  };

  return {
    async call(request, fn, returnTo) {
      const session = request.session;
      const tokens = session?.data.tokens;
      if (!session || !tokens) throw new LoginRequired('signed-out', returnTo);
      const current = now() < tokens.refreshAt ? tokens : await refresh(request, session, tokens, returnTo);
      try {
        return await fn(current.accessToken);
      } catch (error) {
        if (!(error instanceof GatewayProblem && error.status === 401)) throw error;
      }
      // the gateway refused a token we thought good (keys rotated, login revoked): one refresh, one more try
      const renewed = await refresh(request, session, current, returnTo);
      try {
        return await fn(renewed.accessToken);
      } catch (error) {
        if (error instanceof GatewayProblem && error.status === 401) {
          await store.destroy(session.id);
          throw new LoginRequired('session-ended', returnTo);
        }
        throw error;
      }
    },
  };
}

/** What the gateway learns of the browser's request. */
export function contextOf(request: FastifyRequest): CallContext {
  return { requestId: request.id, clientIp: request.ip };
}
