// What every storefront page must be, checked in the browser: one <h1>, the landmarks, a label for every field,
// an accessible name for every button, each error tied to its field; and no token anywhere the browser keeps.
// page.evaluate callbacks run in the browser, hence the DOM types:
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';

/** A JWT (header.payload.signature, base64url JSON): what an access token looks like. */
export const JWT_PATTERN = /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/;

export async function expectAccessiblePage(page: Page): Promise<void> {
  const report = await page.evaluate(() => {
    const nameOf = (element: Element) =>
      (element.getAttribute('aria-label') ?? (element as HTMLElement).textContent ?? '').trim();
    const fields = [...document.querySelectorAll('input:not([type=hidden]), select, textarea')] as HTMLInputElement[];
    return {
      h1: document.querySelectorAll('h1').length,
      lang: document.documentElement.lang,
      title: document.title,
      landmarks: ['header', 'nav', 'main', 'footer'].filter((tag) => document.querySelector(tag) !== null),
      unlabelled: fields.filter((field) => field.labels === null || field.labels.length === 0).map((f) => f.name),
      unnamedButtons: [...document.querySelectorAll('button, a[href]')].filter((b) => nameOf(b) === '').length,
      // every id an aria-describedby names exists, and every field marked invalid names a description
      danglingDescriptions: fields.flatMap((field) =>
        (field.getAttribute('aria-describedby') ?? '')
          .split(/\s+/)
          .filter((id) => id !== '' && document.getElementById(id) === null),
      ),
      invalidWithoutText: fields
        .filter((field) => field.getAttribute('aria-invalid') === 'true')
        .filter((field) => !(field.getAttribute('aria-describedby') ?? '').trim())
        .map((field) => field.name),
    };
  });
  expect(report, `page ${page.url()}`).toEqual({
    h1: 1,
    lang: 'en',
    title: expect.stringMatching(/\S · Platform shop$/),
    landmarks: ['header', 'nav', 'main', 'footer'],
    unlabelled: [],
    unnamedButtons: 0,
    danglingDescriptions: [],
    invalidWithoutText: [],
  });
}

/** No token in the page's HTML, in the browser's storage, or in a cookie; one session cookie, HttpOnly and Lax. */
export async function expectNoTokensInBrowser(page: Page, context: BrowserContext): Promise<void> {
  const html = await page.content();
  expect(html).not.toMatch(JWT_PATTERN);
  const storage = await page.evaluate(() => ({
    local: Object.keys(localStorage).length,
    session: Object.keys(sessionStorage).length,
    cookie: document.cookie,
  }));
  expect(storage).toEqual({ local: 0, session: 0, cookie: '' });
  const cookies = await context.cookies();
  expect(cookies.map((c) => c.name)).toEqual([expect.stringMatching(/^(__Host-)?storefront_session$/)]);
  for (const cookie of cookies) {
    expect(cookie.value).not.toMatch(JWT_PATTERN);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
  }
}
