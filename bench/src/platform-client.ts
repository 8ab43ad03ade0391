// What the benchmark asks of a running platform through its gateway: users with real tokens (register + login),
// orders, and the product list body the bare server must mirror.

export interface User {
  email: string;
  token: string;
}

async function call(url: string, init: RequestInit & { expect: number }): Promise<unknown> {
  let response = await fetch(url, init);
  // auth refuses logins beyond what it can hash at once with 503 + Retry-After (a loaded machine reaches that)
  for (let retry = 0; response.status === 503 && response.headers.has('retry-after') && retry < 10; retry++) {
    await response.arrayBuffer();
    await new Promise((done) => setTimeout(done, Number(response.headers.get('retry-after')) * 1000 || 1000));
    response = await fetch(url, init);
  }
  const text = await response.text();
  if (response.status !== init.expect) {
    throw new Error(
      `${init.method ?? 'GET'} ${url}: ${response.status} (expected ${init.expect}) ${text.slice(0, 300)}`,
    );
  }
  return text === '' ? undefined : JSON.parse(text);
}

const json = (body: unknown) => ({ 'content-type': 'application/json', body: JSON.stringify(body) });

/** Registers a user and logs in through the gateway: a real access token from auth. */
export async function createUser(gatewayUrl: string, email: string): Promise<User> {
  const password = 'benchmark-password';
  const { body } = json({ email, password });
  const headers = { 'content-type': 'application/json' };
  await call(`${gatewayUrl}/api/auth/register`, { method: 'POST', headers, body, expect: 201 });
  const login = (await call(`${gatewayUrl}/api/auth/login`, { method: 'POST', headers, body, expect: 200 })) as {
    accessToken: string;
  };
  return { email, token: login.accessToken };
}

/** Creates `count` users a few at a time (password hashing is deliberately slow). */
export async function createUsers(gatewayUrl: string, prefix: string, count: number): Promise<User[]> {
  const users: User[] = [];
  for (let start = 0; start < count; start += 4) {
    const batch = Array.from({ length: Math.min(4, count - start) }, (_, i) =>
      createUser(gatewayUrl, `${prefix}-${start + i}@bench.example.com`),
    );
    users.push(...(await Promise.all(batch)));
  }
  return users;
}

export async function placeOrder(gatewayUrl: string, user: User, productId: string, quantity: number) {
  return call(`${gatewayUrl}/api/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
    body: JSON.stringify({ items: [{ productId, quantity }] }),
    expect: 201,
  });
}

export async function productList(gatewayUrl: string): Promise<{ items: { id: string; stock: number }[] }> {
  return (await call(`${gatewayUrl}/api/catalog/products`, { expect: 200 })) as {
    items: { id: string; stock: number }[];
  };
}
