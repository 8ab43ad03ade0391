// A small JSON client for the platform's public API, as any HTTP client of the platform would call it.

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  json: T;
  text: string;
}

export interface CallOptions {
  body?: unknown;
  /** Sent as is, for malformed or oversized bodies. */
  raw?: string;
  token?: string;
  headers?: Record<string, string>;
}

export type ApiClient = <T = any>(method: string, path: string, options?: CallOptions) => Promise<ApiResponse<T>>;

export function createApiClient(baseUrl: () => string): ApiClient {
  return async (method, path, { body, raw, token, headers = {} } = {}) => {
    const sent: Record<string, string> = { ...headers };
    if (token) sent.authorization = `Bearer ${token}`;
    let payload: string | undefined;
    if (raw !== undefined || body !== undefined) {
      payload = raw ?? JSON.stringify(body);
      sent['content-type'] ??= 'application/json';
    }
    const response = await fetch(baseUrl() + path, { method, headers: sent, body: payload });
    const text = await response.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, json, text };
  };
}

export const uniqueEmail = (label = 'user') => `${label}-${Date.now()}-${Math.floor(Math.random() * 1e9)}@example.com`;

/** Decodes a JWT's header and payload without verifying it, to look at its claims. */
export function decodeJwt(token: string): { header: Record<string, any>; payload: Record<string, any> } {
  const [header = '', payload = ''] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()),
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString()),
  };
}

/**
 * Calls again, as a well-behaved client does, while the platform answers 503 with `Retry-After` (auth sheds password
 * hashes it cannot start in time when many users register at once), at most `attempts` times.
 */
export async function callHonouringRetryAfter<T = any>(
  api: ApiClient,
  method: string,
  path: string,
  options: CallOptions,
  attempts = 10,
): Promise<ApiResponse<T>> {
  for (let attempt = 1; ; attempt++) {
    const response = await api<T>(method, path, options);
    const retryAfter = Number(response.headers.get('retry-after'));
    if (response.status !== 503 || !Number.isFinite(retryAfter) || attempt >= attempts) return response;
    await new Promise((resolve) => setTimeout(resolve, Math.max(retryAfter, 0.1) * 1000 * (0.5 + Math.random())));
  }
}

/** Registers and logs in a fresh user; returns its tokens. */
export async function newUser(api: ApiClient, label = 'user') {
  const email = uniqueEmail(label);
  const password = 'correct horse battery staple';
  const registered = await callHonouringRetryAfter(api, 'POST', '/api/auth/register', {
    body: { email, password, name: label },
  });
  if (registered.status !== 201) throw new Error(`register failed: ${registered.status} ${registered.text}`);
  const login = await callHonouringRetryAfter(api, 'POST', '/api/auth/login', { body: { email, password } });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.text}`);
  return {
    email,
    password,
    id: registered.json.id as string,
    ...(login.json as { accessToken: string; refreshToken: string }),
  };
}
