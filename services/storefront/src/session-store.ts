// Server-side sessions: what a browser's cookie stands for. Created sealed in PostgreSQL, so they survive a restart
// and every replica sees them; expiring when idle and at an absolute limit; a new id at every sign-in.
import { randomBytes } from 'node:crypto';
import { isSessionId, keysOf, newSessionId, open, seal } from './session-keys.js';
import type { SessionsRepository } from './sessions.repository.js';
import type { Session, SessionData } from './sessions.types.js';

export interface SessionStoreOptions {
  idleSeconds: number;
  absoluteSeconds: number;
  /** How often expired rows are swept away, at most (default 10 minutes). */
  sweepIntervalMs?: number;
  now?: () => number;
}

export interface SessionStore {
  /** A new session with a new id and a new CSRF token. */
  create(data?: Omit<SessionData, 'csrfToken'>): Promise<Session>;
  /** The live session a cookie names, or undefined (unknown, expired, or not sealed with this id). */
  load(id: string | undefined): Promise<Session | undefined>;
  destroy(id: string): Promise<void>;
  /**
   * Takes the session's refresh lease: its data as it is now, or undefined when another request (in any replica)
   * holds the lease or the session is gone. The lease runs out by itself after leaseMs.
   */
  takeRefreshLease(id: string, leaseMs: number): Promise<SessionData | undefined>;
  /** Releases the lease, storing new data (refreshed tokens) when given. */
  releaseRefreshLease(id: string, data?: SessionData): Promise<void>;
}

// sliding the expiry costs a write: do it once a minute of use at most
const TOUCH_GRANULARITY_MS = 60_000;

export function createSessionStore(repository: SessionsRepository, options: SessionStoreOptions): SessionStore {
  const now = options.now ?? Date.now;
  let lastSweep = 0;

  const openData = (id: string, sealed: Buffer): SessionData | undefined => {
    try {
      return JSON.parse(open(keysOf(id), sealed)) as SessionData;
    } catch {
      return undefined;
    }
  };

  const sweepWhenDue = (): void => {
    const at = now();
    if (at - lastSweep < (options.sweepIntervalMs ?? 600_000)) return;
    lastSweep = at;
    // best effort: an unswept row is expired anyway and never loads
    repository.deleteExpired().catch(() => {});
  };

  return {
    async create(data = {}) {
      const id = newSessionId();
      const keys = keysOf(id);
      const sessionData: SessionData = { csrfToken: randomBytes(32).toString('base64url'), ...data };
      const row = await repository.insert(
        keys.lookup,
        seal(keys, JSON.stringify(sessionData)),
        options.idleSeconds,
        options.absoluteSeconds,
      );
      sweepWhenDue();
      return { id, data: sessionData, expiresAt: row.expiresAt };
    },

    async load(id) {
      if (!isSessionId(id)) return undefined;
      const keys = keysOf(id);
      const row = await repository.find(keys.lookup);
      if (!row) return undefined;
      const data = openData(id, row.data);
      if (!data) return undefined;
      let expiresAt = row.expiresAt;
      const slid = now() + options.idleSeconds * 1000;
      if (expiresAt < row.absoluteExpiresAt && slid - expiresAt.getTime() > TOUCH_GRANULARITY_MS) {
        expiresAt = (await repository.touch(keys.lookup, options.idleSeconds)) ?? expiresAt;
      }
      return { id, data, expiresAt };
    },

    async destroy(id) {
      if (isSessionId(id)) await repository.delete(keysOf(id).lookup);
    },

    async takeRefreshLease(id, leaseMs) {
      const sealed = await repository.takeRefreshLease(keysOf(id).lookup, leaseMs);
      return sealed ? openData(id, sealed) : undefined;
    },

    async releaseRefreshLease(id, data) {
      const keys = keysOf(id);
      await repository.releaseRefreshLease(keys.lookup, data ? seal(keys, JSON.stringify(data)) : undefined);
    },
  };
}
