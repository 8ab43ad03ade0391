// Server-side sessions: what a browser's cookie stands for. Created sealed in PostgreSQL, so they survive a restart
// and every replica sees them; expiring when idle and at an absolute limit; a new id at every sign-in.
import { randomBytes } from 'node:crypto';
import { isSessionId, keysOf, newSessionId, open, seal } from './session-keys.js';
import type { SessionsRepository } from './sessions.repository.js';

export interface SessionUser {
  id: string;
  email: string;
  name: string;
}

/** The gateway's tokens for a signed-in session; they never leave the server. */
export interface SessionTokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds. */
  accessExpiresAt: number;
  /** Epoch milliseconds: from then on, the next request refreshes the tokens first. */
  refreshAt: number;
}

export interface SessionData {
  /** The synchronizer token every state-changing form of this session must send back. */
  csrfToken: string;
  user?: SessionUser;
  tokens?: SessionTokens;
}

export interface Session {
  readonly id: string;
  readonly data: SessionData;
  readonly expiresAt: Date;
}

export interface SessionStoreOptions {
  idleSeconds: number;
  absoluteSeconds: number;
  /** How often expired rows are swept away, at most (default 10 minutes). */
  sweepIntervalMs?: number;
  now?: () => number;
}

// sliding the expiry costs a write: do it once a minute of use at most
const TOUCH_GRANULARITY_MS = 60_000;

export class SessionStore {
  private lastSweep = 0;

  constructor(
    private readonly repository: SessionsRepository,
    private readonly options: SessionStoreOptions,
  ) {}

  /** A new session with a new id and a new CSRF token. */
  async create(data: Omit<SessionData, 'csrfToken'> = {}): Promise<Session> {
    const id = newSessionId();
    const keys = keysOf(id);
    const sessionData: SessionData = { csrfToken: randomBytes(32).toString('base64url'), ...data };
    const row = await this.repository.insert(
      keys.lookup,
      seal(keys, JSON.stringify(sessionData)),
      this.options.idleSeconds,
      this.options.absoluteSeconds,
    );
    this.sweepWhenDue();
    return { id, data: sessionData, expiresAt: row.expiresAt };
  }

  /** The live session a cookie names, or undefined (unknown, expired, or not sealed with this id). */
  async load(id: string | undefined): Promise<Session | undefined> {
    if (!isSessionId(id)) return undefined;
    const keys = keysOf(id);
    const row = await this.repository.find(keys.lookup);
    if (!row) return undefined;
    const data = this.openData(id, row.data);
    if (!data) return undefined;
    let expiresAt = row.expiresAt;
    const now = this.now();
    const slid = now + this.options.idleSeconds * 1000;
    if (expiresAt < row.absoluteExpiresAt && slid - expiresAt.getTime() > TOUCH_GRANULARITY_MS) {
      expiresAt = (await this.repository.touch(keys.lookup, this.options.idleSeconds)) ?? expiresAt;
    }
    return { id, data, expiresAt };
  }

  async destroy(id: string): Promise<void> {
    if (isSessionId(id)) await this.repository.delete(keysOf(id).lookup);
  }

  /**
   * Takes the session's refresh lease: its data as it is now, or undefined when another request (in any replica)
   * holds the lease or the session is gone. The lease runs out by itself after leaseMs.
   */
  async takeRefreshLease(id: string, leaseMs: number): Promise<SessionData | undefined> {
    const keys = keysOf(id);
    const sealed = await this.repository.takeRefreshLease(keys.lookup, leaseMs);
    return sealed ? this.openData(id, sealed) : undefined;
  }

  /** Releases the lease, storing new data (refreshed tokens) when given. */
  async releaseRefreshLease(id: string, data?: SessionData): Promise<void> {
    const keys = keysOf(id);
    await this.repository.releaseRefreshLease(keys.lookup, data ? seal(keys, JSON.stringify(data)) : undefined);
  }

  private openData(id: string, sealed: Buffer): SessionData | undefined {
    try {
      return JSON.parse(open(keysOf(id), sealed)) as SessionData;
    } catch {
      return undefined;
    }
  }

  private sweepWhenDue(): void {
    const now = this.now();
    if (now - this.lastSweep < (this.options.sweepIntervalMs ?? 600_000)) return;
    this.lastSweep = now;
    // best effort: an unswept row is expired anyway and never loads
    this.repository.deleteExpired().catch(() => {});
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}
