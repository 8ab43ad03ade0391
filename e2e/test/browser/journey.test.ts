// A person shopping in a real browser (Debian's Chromium through playwright-core) against the real platform: browse,
// register, order, see the order, cancel it, log out and in again; with the keyboard alone; a double submit that
// stays one order; stock that runs out while the form is open. No token ever reaches the browser.
// Runs against a platform it starts (gateway, auth, catalog, orders and the storefront as processes), or against a
// running shop: E2E_STOREFRONT_URL=http://127.0.0.1:8082 E2E_BASE_URL=http://127.0.0.1:8080.
// page.evaluate callbacks run in the browser, hence the DOM types:
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { openBrowser, screenshot, type TestBrowser } from '../../src/browser/browser.js';
import { expectAccessiblePage, expectNoTokensInBrowser } from '../../src/browser/page-checks.js';
import { logInThroughForm } from '../../src/browser/shop-actions.js';
import { type Shop, startShop } from '../../src/browser/storefront-platform.js';
import { createApiClient, newUser, uniqueEmail } from '../../src/http-client.js';
import { scrapeMetric } from '../../src/metrics-scrape.js';

// a browser on a busy 2-core machine: page loads and the platform's first answers take seconds
vi.setConfig({ testTimeout: 90_000 });

let shop: Shop;
let browser: TestBrowser;
const api = createApiClient(() => shop.gatewayUrl);
const PASSWORD = 'correct horse battery staple';

beforeAll(async () => {
  shop = await startShop();
}, 180_000);
afterAll(async () => {
  await shop?.close();
});
beforeEach(async () => {
  browser = await openBrowser();
}, 60_000);
afterEach(async () => {
  await browser?.close();
});

interface ApiProduct {
  id: string;
  name: string;
  stock: number;
}

const products = async (): Promise<ApiProduct[]> => (await api('GET', '/api/catalog/products')).json.items;
const stockOf = async (id: string): Promise<number> => (await api('GET', `/api/catalog/products/${id}`)).json.stock;
const url = (path: string) => shop.storefrontUrl + path;
const heading = (page: Page) => page.locator('h1').textContent();

async function ordersOf(email: string): Promise<{ id: string; status: string }[]> {
  const login = await api('POST', '/api/auth/login', { body: { email, password: PASSWORD } });
  return (await api('GET', '/api/orders', { token: login.json.accessToken })).json.items;
}

async function register(page: Page, name: string): Promise<string> {
  const email = uniqueEmail(name.split(' ')[0]!.toLowerCase());
  await page.goto(url('/register'));
  await page.getByLabel('Name (optional)').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(url('/?notice=registered'));
  return email;
}

describe('the storefront in a browser', () => {
  it('lets a person browse, register, order, see and cancel the order, log out and log in again', async () => {
    const { page, context } = browser;
    const product = (await products()).reduce((a, b) => (b.stock > a.stock ? b : a));
    const stockBefore = await stockOf(product.id);

    await page.goto(url('/'));
    expect(await heading(page)).toBe('Products');
    await expect.poll(() => page.locator('.product-card').count()).toBeGreaterThan(0);
    await expectAccessiblePage(page);
    expect(await screenshot(page, 'products')).toBeGreaterThan(10_000);

    await page.getByRole('link', { name: product.name }).click();
    expect(await heading(page)).toBe(product.name);
    expect(await page.locator('#stock').textContent()).toBe(String(stockBefore));
    await expect.poll(() => page.getByRole('link', { name: 'Log in to order' }).count()).toBe(1);
    await expectAccessiblePage(page);

    // a wrong form first: its errors are text next to the fields
    await page.goto(url('/register'));
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill('short');
    await page.evaluate(() => document.querySelector('form.account-form')?.setAttribute('novalidate', ''));
    await page.getByRole('button', { name: 'Create account' }).click();
    const passwordField = page.getByLabel('Password');
    expect(await passwordField.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#password-error').textContent()).toContain('at least 8 characters');
    expect(await passwordField.getAttribute('aria-describedby')).toContain('password-error');
    await expectAccessiblePage(page);
    expect(await screenshot(page, 'register-error')).toBeGreaterThan(5_000);

    const email = await register(page, 'Ada Lovelace');
    expect(await page.locator('.notice').textContent()).toContain('Your account is ready');
    expect(await page.locator('.who').textContent()).toBe('Logged in as Ada Lovelace');
    await expectNoTokensInBrowser(page, context);

    await page.getByRole('link', { name: product.name }).click();
    await page.getByLabel('Quantity').fill('2');
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.waitForURL(/\/orders\/[\w-]+\?notice=order-placed$/);
    expect(await page.locator('.notice').textContent()).toBe('Thank you! Your order is placed.');
    expect(await page.locator('#order-status').textContent()).toBe('Confirmed');
    expect(await page.locator('.order-lines tbody tr').textContent()).toContain(product.name);
    expect(await stockOf(product.id)).toBe(stockBefore - 2);
    await expectAccessiblePage(page);
    await expectNoTokensInBrowser(page, context);
    expect(await screenshot(page, 'order-placed')).toBeGreaterThan(10_000);
    const orderPath = new URL(page.url()).pathname;

    await page.getByRole('link', { name: 'My orders', exact: true }).click();
    expect(await heading(page)).toBe('My orders');
    expect(await page.locator('table.orders tbody tr').count()).toBe(1);
    expect(await page.locator('table.orders tbody tr').textContent()).toContain(`2 × ${product.name}`);
    await expectAccessiblePage(page);
    expect(await screenshot(page, 'my-orders')).toBeGreaterThan(10_000);

    await page.locator('table.orders tbody tr a').click();
    expect(new URL(page.url()).pathname).toBe(orderPath);
    await page.getByRole('button', { name: 'Cancel this order' }).click();
    await page.waitForURL(/notice=order-cancelled$/);
    expect(await page.locator('#order-status').textContent()).toBe('Cancelled');
    expect(await page.getByRole('button', { name: 'Cancel this order' }).count()).toBe(0);
    expect(await stockOf(product.id)).toBe(stockBefore);
    expect(await screenshot(page, 'order-cancelled')).toBeGreaterThan(10_000);

    const sessionCookie = (await context.cookies())[0]!;
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(url('/?notice=logged-out'));
    expect(await page.locator('.notice').textContent()).toBe('You are logged out.');
    expect(await page.getByRole('link', { name: 'Log in', exact: true }).count()).toBe(1);
    expect(await context.cookies()).toEqual([]);
    // the old session id is worth nothing now: the session is gone on the server, not only in this browser
    await context.addCookies([sessionCookie]);
    await page.goto(url('/orders'));
    expect(new URL(page.url()).pathname).toBe('/login');
    await context.clearCookies();

    await logInThroughForm(page, shop.storefrontUrl, email, PASSWORD);
    await page.getByRole('link', { name: 'My orders', exact: true }).click();
    expect(await page.locator('table.orders tbody tr').textContent()).toContain('Cancelled');
    expect(await ordersOf(email)).toEqual([expect.objectContaining({ status: 'cancelled' })]);
  });

  it('rotates the session id at login and revokes the refresh token at logout', async () => {
    const { page, context } = browser;
    await page.goto(url('/login'));
    const before = (await context.cookies())[0]?.value;
    expect(before).toMatch(/^[\w-]{43}$/);
    const user = await newUser(api, 'rotation');
    const logouts = await gatewayCount('/api/auth/logout', 204);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(url('/?notice=logged-in'));
    const after = (await context.cookies())[0]?.value;
    expect(after).toMatch(/^[\w-]{43}$/);
    expect(after).not.toBe(before);

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(url('/?notice=logged-out'));
    if (logouts !== undefined) expect(await gatewayCount('/api/auth/logout', 204)).toBe(logouts + 1);
  });

  it('takes an order with the keyboard alone', async () => {
    const { page } = browser;
    const user = await newUser(api, 'keyboard');
    const product = (await products()).find((p) => p.stock > 5)!;
    await page.goto(url('/'));

    // the first Tab reaches the skip link, which moves focus to the main content
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');

    await tabTo(page, (el) => el.tag === 'A' && el.text === 'Log in', true);
    await page.keyboard.press('Enter');
    await page.waitForURL(url('/login'));
    await tabTo(page, (el) => el.id === 'email');
    await page.keyboard.type(user.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(user.password);
    await page.keyboard.press('Enter');
    await page.waitForURL(url('/?notice=logged-in'));

    await tabTo(page, (el) => el.tag === 'A' && el.text === product.name);
    await page.keyboard.press('Enter');
    await page.waitForURL(url(`/products/${product.id}`));
    await tabTo(page, (el) => el.id === 'quantity');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('1');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Place order');
    await page.keyboard.press('Enter');
    await page.waitForURL(/notice=order-placed$/);
    expect(await page.locator('#order-status').textContent()).toBe('Confirmed');
    expect(await ordersOf(user.email)).toHaveLength(1);
  });

  it('places one order for a form submitted twice', async () => {
    const { page } = browser;
    const email = await register(page, 'Grace Hopper');
    const product = (await products()).find((p) => p.stock > 5)!;

    // a double click in the browser
    await page.goto(url(`/products/${product.id}`));
    await page.getByRole('button', { name: 'Place order' }).dblclick();
    await page.waitForURL(/notice=order-placed$/);
    expect(await ordersOf(email)).toHaveLength(1);

    // the same form sent twice at once, as a browser without the page's script or a flaky network would
    await page.goto(url(`/products/${product.id}`));
    const form = await page.evaluate(() =>
      Object.fromEntries(new FormData(document.querySelector('form.order-form') as HTMLFormElement)),
    );
    const post = () =>
      page.request.post(url('/orders'), {
        form: form as Record<string, string>,
        headers: { origin: shop.storefrontUrl },
        maxRedirects: 0,
      });
    const answers = await Promise.all([post(), post()]);
    expect(answers.map((a) => a.status())).toEqual([303, 303]);
    const [first, second] = answers.map((a) => a.headers().location);
    expect(first).toMatch(/^\/orders\/[\w-]+\?notice=order-placed$/);
    expect(second).toBe(first);
    expect(await ordersOf(email)).toHaveLength(2);
  });

  it('tells a person in words when the stock ran out while they were choosing', async () => {
    const { page } = browser;
    await register(page, 'Katherine Johnson');
    const product = (await products()).filter((p) => p.stock > 1).reduce((a, b) => (b.stock < a.stock ? b : a));
    const rival = await newUser(api, 'rival');
    const rivalOrders: string[] = [];
    const buy = async (quantity: number) => {
      const placed = await api('POST', '/api/orders', {
        token: rival.accessToken,
        body: { items: [{ productId: product.id, quantity }] },
      });
      expect(placed.status).toBe(201);
      rivalOrders.push(placed.json.id);
    };
    try {
      await buy((await stockOf(product.id)) - 1);
      await page.goto(url(`/products/${product.id}`));
      expect(await page.locator('#stock').textContent()).toBe('1');
      await buy(1); // someone else takes the last one while the form is open

      await page.getByRole('button', { name: 'Place order' }).click();
      await page.waitForURL(url('/orders'));
      const quantity = page.getByLabel('Quantity');
      expect(await page.locator('#quantity-error').textContent()).toBe(
        `Sorry, ${product.name} has just sold out. Nothing was ordered.`,
      );
      expect(await quantity.getAttribute('aria-describedby')).toBe('quantity-error');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('quantity');
      expect(await page.locator('#stock').textContent()).toBe('None: out of stock');
      await expectAccessiblePage(page);
      expect(await screenshot(page, 'sold-out')).toBeGreaterThan(10_000);
    } finally {
      // give the stock back, so a shared platform (compose) stays as it was
      for (const id of rivalOrders) await api('POST', `/api/orders/${id}/cancel`, { token: rival.accessToken });
    }
  });

  it('answers an unknown page and a forged form with readable pages', async () => {
    const { page } = browser;
    const missing = await page.goto(url('/no/such/page'));
    expect(missing?.status()).toBe(404);
    expect(await heading(page)).toBe('Page not found');
    await expectAccessiblePage(page);

    await register(page, 'Mallory');
    // a form posted from another site: right cookie (SameSite=Lax would not even send it), wrong origin
    const forged = await page.request.post(url('/logout'), {
      form: { _csrf: 'guess' },
      headers: { origin: 'https://evil.example' },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain('This form has expired');
    // right origin, no token
    const tokenless = await page.request.post(url('/logout'), {
      form: {},
      headers: { origin: shop.storefrontUrl },
      maxRedirects: 0,
    });
    expect(tokenless.status()).toBe(403);
    await page.goto(url('/'));
    expect(await page.locator('.who').count()).toBe(1); // still logged in: nothing happened
  });
});

interface Focused {
  tag: string;
  id: string;
  text: string;
}

/** Presses Tab (Shift+Tab when backwards) until the focused element matches, at most 60 times. */
async function tabTo(page: Page, matches: (focused: Focused) => boolean, backwards = false): Promise<void> {
  for (let presses = 0; presses < 60; presses++) {
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    const focused = await page.evaluate(() => {
      const element = document.activeElement;
      return { tag: element?.tagName ?? '', id: element?.id ?? '', text: element?.textContent?.trim() ?? '' };
    });
    if (matches(focused)) return;
  }
  throw new Error(`Tab never reached the element (${matches.toString()})`);
}

/** The gateway's count of answers on a route and status; undefined against a running shop (no /metrics there). */
async function gatewayCount(route: string, status: number): Promise<number | undefined> {
  if (!shop.platform) return undefined;
  return scrapeMetric(`${shop.gatewayUrl}/metrics`, 'http_server_requests_total', {
    route,
    status_code: String(status),
  });
}
