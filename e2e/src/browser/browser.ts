// A real browser for the storefront's tests: Debian's Chromium (/usr/bin/chromium, or CHROMIUM_PATH) driven by
// playwright-core, headless, with a fresh profile per browser and none of Chromium's own calls home (they are
// refused on a closed network). SCREENSHOTS_DIR keeps the screenshots (the README's are made with
// SCREENSHOTS_DIR=docs/screenshots); otherwise they go to a temporary directory.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

export interface TestBrowser {
  readonly context: BrowserContext;
  readonly page: Page;
  close(): Promise<void>;
}

export async function openBrowser(): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
  }
  const profile = await mkdtemp(join(tmpdir(), 'storefront-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: FLAGS,
      viewport: { width: 1100, height: 760 },
      locale: 'en-GB',
    });
    const page = context.pages()[0] ?? (await context.newPage());
    return {
      context,
      page,
      async close() {
        await context.close();
        await rm(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
}

const screenshotsDir = process.env.SCREENSHOTS_DIR
  ? resolve(process.env.INIT_CWD ?? process.cwd(), process.env.SCREENSHOTS_DIR)
  : join(tmpdir(), 'storefront-screenshots');

/** Saves a screenshot of the page as <name>.png and returns its size in bytes. */
export async function screenshot(page: Page, name: string): Promise<number> {
  await mkdir(screenshotsDir, { recursive: true });
  const path = join(screenshotsDir, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return (await stat(path)).size;
}
