// What a person does on the storefront's pages, for tests that need it done before what they look at.
import type { Page } from 'playwright-core';

/** Logs in through the login form and waits for the landing page. */
export async function logInThroughForm(page: Page, storefrontUrl: string, email: string, password: string) {
  await page.goto(`${storefrontUrl}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${storefrontUrl}/?notice=logged-in`);
}
