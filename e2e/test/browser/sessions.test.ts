// The storefront's server-side sessions in a real browser, against a platform whose access tokens live 4 seconds
// and with two storefront replicas: tokens refreshed on the server (once, however many requests race), a session
// shared by both replicas and kept across a restart, and the way back to the login page when a session expires or
// auth revokes its login. Needs the processes and the database, so it always starts its own platform.
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { openBrowser, type TestBrowser } from '../../src/browser/browser.js';
import { logInThroughForm } from '../../src/browser/shop-actions.js';
import { replicaUrl, type Shop, startShop } from '../../src/browser/storefront-platform.js';
import { createApiClient, newUser } from '../../src/http-client.js';
import { scrapeMetric } from '../../src/metrics-scrape.js';

// a browser on a busy 2-core machine: page loads and the platform's first answers take seconds
vi.setConfig({ testTimeout: 90_000 });

const ACCESS_TOKEN_TTL_SECONDS = 4;
// the storefront refreshes at half the lifetime when its leeway (60 s) is longer than that
const REFRESH_DUE_MS = (ACCESS_TOKEN_TTL_SECONDS / 2) * 1000 + 500;

let shop: Shop;
let db: pg.Client;
let browser: TestBrowser;
const api = createApiClient(() => shop.gatewayUrl);

beforeAll(async () => {
  if (process.env.E2E_STOREFRONT_URL) {
    throw new Error('sessions.test.ts restarts processes and reads the database: run it without E2E_STOREFRONT_URL');
  }
  shop = await startShop({ env: { ACCESS_TOKEN_TTL_SECONDS: String(ACCESS_TOKEN_TTL_SECONDS) }, extraReplicas: 1 });
  db = new pg.Client({ connectionString: shop.platform!.databaseUrl });
  await db.connect();
}, 180_000);
afterAll(async () => {
  await db?.end();
  await shop?.close();
});
beforeEach(async () => {
  browser = await openBrowser();
}, 60_000);
afterEach(async () => {
  await browser?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const replicas = () => [shop.storefrontUrl, replicaUrl(shop, 1)];
/** Refreshes by outcome, summed over both replicas. */
const refreshes = async (outcome: string) => {
  const counts = await Promise.all(
    replicas().map((url) => scrapeMetric(`${url}/metrics`, 'storefront_token_refreshes_total', { outcome })),
  );
  return counts.reduce((a, b) => a + b, 0);
};
const authRefreshes = (status: number) =>
  scrapeMetric(`${shop.gatewayUrl}/metrics`, 'http_server_requests_total', {
    route: '/api/auth/refresh',
    status_code: String(status),
  });

async function loggedInBrowser() {
  const user = await newUser(api, 'session');
  await logInThroughForm(browser.page, shop.storefrontUrl, user.email, user.password);
  return user;
}

describe('storefront sessions', () => {
  it('refreshes the access token on the server before it expires', async () => {
    const { page } = browser;
    await loggedInBrowser();
    const refreshedBefore = await refreshes('refreshed');
    const authBefore = await authRefreshes(200);

    for (let round = 1; round <= 2; round++) {
      await sleep(REFRESH_DUE_MS);
      await page.goto(`${shop.storefrontUrl}/orders`);
      expect(await page.locator('h1').textContent()).toBe('My orders');
      expect(await refreshes('refreshed')).toBe(refreshedBefore + round);
      expect(await authRefreshes(200)).toBe(authBefore + round);
    }
    expect(await page.content()).not.toMatch(/eyJ[\w-]+\.eyJ/);
  });

  it('spends the refresh token once when many requests of one session need a refresh at the same time', async () => {
    const { page } = browser;
    await loggedInBrowser();
    await sleep(REFRESH_DUE_MS);
    const refreshedBefore = await refreshes('refreshed');
    const authBefore = await authRefreshes(200);

    // eight pages at once, through both replicas: one of them refreshes, the others take its result
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, n) => page.request.get(`${replicas()[n % 2]}/orders`, { maxRedirects: 0 })),
    );
    expect(answers.map((answer) => answer.status())).toEqual(Array(8).fill(200));
    expect(await refreshes('refreshed')).toBe(refreshedBefore + 1);
    expect(await authRefreshes(200)).toBe(authBefore + 1);
    expect(await authRefreshes(401)).toBe(0);

    // and the login is still good: auth saw no refresh token twice
    await sleep(REFRESH_DUE_MS);
    await page.goto(`${shop.storefrontUrl}/orders`);
    expect(await page.locator('h1').textContent()).toBe('My orders');
  });

  it('shares a session between replicas and keeps it across a restart', async () => {
    const { page } = browser;
    const user = await loggedInBrowser();
    const [first, second] = replicas();

    // cookies belong to the host, not the port: the same browser reaches the second replica with the same cookie
    await page.goto(`${second}/orders`);
    expect(await page.locator('h1').textContent()).toBe('My orders');
    expect(await page.locator('.who').textContent()).toContain('session');

    await shop.platform!.restart('storefront');
    await page.goto(`${first}/orders`);
    expect(await page.locator('h1').textContent()).toBe('My orders');

    // a form rendered by one replica is accepted by the other: the CSRF token is the session's, not the process's
    await page.goto(`${first}/orders`);
    await page.goto(`${second}/products/${(await api('GET', '/api/catalog/products')).json.items[0].id}`);
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.waitForURL(/notice=order-placed$/);
    const orders = await api('GET', '/api/orders', {
      token: (await api('POST', '/api/auth/login', { body: { email: user.email, password: user.password } })).json
        .accessToken,
    });
    expect(orders.json.items).toHaveLength(1);
  });

  it('sends the person to log in once the session expired, and forgets the cookie', async () => {
    const { page, context } = browser;
    await loggedInBrowser();
    expect(await context.cookies()).toHaveLength(1);
    await db.query(`UPDATE storefront.sessions SET expires_at = now() - interval '1 second'`);

    await page.goto(`${shop.storefrontUrl}/orders`);
    expect(page.url()).toBe(`${shop.storefrontUrl}/login?next=%2Forders`);
    expect(await page.locator('h1').textContent()).toBe('Log in');
    expect(await page.locator('.who').count()).toBe(0);
    // the login page started a fresh anonymous session for its form; the expired one is gone
    const cookies = await context.cookies();
    expect(cookies).toHaveLength(1);
    const { rows } = await db.query(`SELECT count(*)::int AS live FROM storefront.sessions WHERE expires_at > now()`);
    expect(rows[0].live).toBeGreaterThanOrEqual(1);
  });

  it('ends the session when auth refuses its refresh token, and says so', async () => {
    const { page, context } = browser;
    await loggedInBrowser();
    const refusedBefore = await refreshes('refused');
    // the login is revoked behind the storefront's back (as reuse detection or an operator would)
    await db.query('UPDATE auth.refresh_tokens SET revoked_at = now() WHERE revoked_at IS NULL');
    await sleep(REFRESH_DUE_MS);

    await page.goto(`${shop.storefrontUrl}/orders`);
    expect(page.url()).toBe(`${shop.storefrontUrl}/login?notice=session-ended&next=%2Forders`);
    expect(await page.locator('.notice').textContent()).toBe('Your session has ended. Please log in again.');
    expect(await refreshes('refused')).toBe(refusedBefore + 1);
    expect(await page.locator('.who').count()).toBe(0);
    expect(await context.cookies()).toHaveLength(1); // the login page's new anonymous session
  });

  it('keeps nothing in the sessions table that resumes a session or shows a token', async () => {
    const { context } = browser;
    await loggedInBrowser();
    const cookie = (await context.cookies())[0]!;
    const { rows } = await db.query<{ lookup: Buffer; data: Buffer }>('SELECT lookup, data FROM storefront.sessions');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.lookup.toString('base64url')).not.toBe(cookie.value);
      expect(row.data.toString('latin1')).not.toMatch(/eyJ|refresh|csrf/i);
    }
  });
});
