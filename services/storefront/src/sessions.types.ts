// The storefront's session types: who is signed in, the gateway's tokens kept for them server-side, and the session
// a browser's cookie stands for.

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
