// The orders service's own access token for the catalog: fetched from the auth service's client-credentials grant
// (RFC 6749 section 4.4, HTTP Basic client authentication), kept until shortly before it expires, renewed by one
// request however many calls need it at once, and used until it expires when a renewal fails.

export interface ServiceTokenOptions {
  /** The auth service's token endpoint, e.g. http://127.0.0.1:8081/oauth/token. */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Deadline of one token request. */
  timeoutMs: number;
  /** Renew this long before expiry (default: a fifth of the lifetime, at most 60 s). */
  renewBeforeMs?: number;
  now?: () => number;
}

export interface ServiceTokens {
  /** A valid token; rejects with ServiceTokenError when none can be had. */
  token(): Promise<string>;
  /** Drops `token` (the catalog refused it, e.g. after a key rotation), so the next call fetches a new one. */
  invalidate(token: string): void;
}

/** No token could be had: auth unreachable (`unavailable`) or this client's credentials refused (`rejected`). */
export class ServiceTokenError extends Error {
  override readonly name = 'ServiceTokenError';
  constructor(
    readonly reason: 'unavailable' | 'rejected',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface Held {
  token: string;
  renewAt: number;
  expiresAt: number;
}

export function createServiceTokens(options: ServiceTokenOptions): ServiceTokens {
  const now = options.now ?? Date.now;
  // client_secret_basic: each part form-urlencoded before Basic (RFC 6749 section 2.3.1)
  const credentials = Buffer.from(
    `${formEncode(options.clientId)}:${formEncode(options.clientSecret)}`,
    'utf8',
  ).toString('base64');
  let held: Held | undefined;
  let renewal: Promise<string> | undefined;

  const fetchToken = async (): Promise<string> => {
    let response: Response;
    try {
      response = await fetch(options.tokenUrl, {
        method: 'POST',
        headers: {
          authorization: `Basic ${credentials}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: 'grant_type=client_credentials',
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      throw new ServiceTokenError('unavailable', 'the token endpoint cannot be reached', { cause: error });
    }
    const body = (await response.json().catch(() => undefined)) as
      | { access_token?: unknown; expires_in?: unknown; error?: unknown }
      | undefined;
    if (response.status === 400 || response.status === 401) {
      throw new ServiceTokenError('rejected', `the token endpoint refused ${options.clientId}: ${String(body?.error)}`);
    }
    if (!response.ok || typeof body?.access_token !== 'string' || typeof body.expires_in !== 'number') {
      throw new ServiceTokenError('unavailable', `the token endpoint answered ${response.status}`);
    }
    const lifetimeMs = body.expires_in * 1000;
    const issuedAt = now();
    held = {
      token: body.access_token,
      expiresAt: issuedAt + lifetimeMs,
      renewAt: issuedAt + lifetimeMs - (options.renewBeforeMs ?? Math.min(60_000, lifetimeMs / 5)),
    };
    return body.access_token;
  };

  const renew = (): Promise<string> => {
    renewal ??= fetchToken().finally(() => {
      renewal = undefined;
    });
    return renewal;
  };

  return {
    async token() {
      const current = held;
      if (current && now() < current.renewAt) return current.token;
      try {
        return await renew();
      } catch (error) {
        // auth is down for a moment: the token in hand is still good until it expires
        if (current && now() < current.expiresAt) return current.token;
        throw error;
      }
    },
    invalidate(token) {
      if (held?.token === token) held = undefined;
    },
  };
}

const formEncode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
