/**
 * The browser tests' handle on the shop and on Chromium: who to log in as, where to keep
 * screenshots, and the steps every test shares (log in, search, read a price).
 *
 * Environment: SHOP_WEB_URL (the storefront's origin), SHOP_WEB_CHROMIUM (the browser),
 * SHOP_WEB_ARTIFACTS (where screenshots go; a failing test's stay there),
 * SHOP_WEB_PRODUCT (the name of a product on sale, in stock), SHOP_WEB_CUSTOMER / SHOP_WEB_CUSTOMER_PASSWORD and SHOP_WEB_ADMIN / SHOP_WEB_ADMIN_PASSWORD
 * (demo users of the identity provider; unset when the shop has none), SHOP_WEB_SCREENSHOTS
 * (optional: where a passing test's screenshots are copied, e.g. docs/screenshots).
 */

import { copyFileSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";

export interface Login {
  user: string;
  password: string;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (tests/e2e/test_browser.py sets it)`);
  return value;
}

function login(userVar: string, passwordVar: string): Login | null {
  const user = process.env[userVar];
  return user ? { user, password: required(passwordVar) } : null;
}

export const shopUrl = (): string => required("SHOP_WEB_URL").replace(/\/+$/, "");
export const productName = (): string => required("SHOP_WEB_PRODUCT");
export const customer = (): Login | null => login("SHOP_WEB_CUSTOMER", "SHOP_WEB_CUSTOMER_PASSWORD");
export const admin = (): Login | null => login("SHOP_WEB_ADMIN", "SHOP_WEB_ADMIN_PASSWORD");

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: required("SHOP_WEB_CHROMIUM"),
    headless: true,
    // No sandbox: the tests run as root on CI machines, where Chromium refuses its sandbox.
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run"],
  });
}

/** Numbered screenshots of one test, kept in `<artifacts>/<test>/` if the test fails. */
export class Shots {
  readonly dir: string;
  private n = 0;

  constructor(readonly test: string) {
    this.dir = join(required("SHOP_WEB_ARTIFACTS"), test);
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
  }

  async take(page: Page, step: string): Promise<void> {
    this.n += 1;
    await page.screenshot({ path: join(this.dir, `${String(this.n).padStart(2, "0")}-${step}.png`), fullPage: true });
  }

  /** The test passed: its screenshots go (copied first to SHOP_WEB_SCREENSHOTS if set). */
  discard(): void {
    const keep = process.env.SHOP_WEB_SCREENSHOTS;
    if (keep) {
      mkdirSync(keep, { recursive: true });
      for (const file of readdirSync(this.dir)) copyFileSync(join(this.dir, file), join(keep, `${this.test}-${file}`));
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** One Chromium for the test file: launched before its tests, closed after them. */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error("Chromium is not running");
    return browser;
  };
}

/**
 * Run `steps` on a fresh page (its own cookies and storage) with the test's screenshots: they
 * go when the steps pass, and stay, with one of the failure, when they fail.
 */
export async function onNewPage(browser: Browser, test: string, steps: (page: Page, shots: Shots) => Promise<void>): Promise<void> {
  const shots = new Shots(test);
  const context: BrowserContext = await browser.newContext({ baseURL: shopUrl(), viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  try {
    await steps(page, shots);
    shots.discard();
  } catch (failure) {
    await shots.take(page, "failure").catch(() => undefined);
    throw new Error(`${String(failure)}\nscreenshots: ${shots.dir}`, { cause: failure });
  } finally {
    await context.close();
  }
}

/** Log in through the identity provider's own login page (authorization code + PKCE). */
export async function logIn(page: Page, who: Login | null, shots: Shots): Promise<void> {
  await page.goto("/");
  if (who === null) return; // no identity provider: the shop runs without logins
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL((url) => !url.href.startsWith(`${shopUrl()}/`) || url.pathname.startsWith("/dex"));
  await page.locator("input[name=login]").fill(who.user);
  await page.locator("input[name=password]").fill(who.password);
  await shots.take(page, "provider-login");
  await page.locator("button[type=submit]").click();
  await page.waitForURL((url) => url.href.startsWith(shopUrl()) && !url.pathname.startsWith("/dex") && url.pathname !== "/callback");
  await page.getByTestId("user").waitFor();
}

export async function search(page: Page, words: string): Promise<void> {
  await page.getByRole("searchbox").or(page.getByLabel("Search products")).first().fill(words);
  await page.getByRole("button", { name: "Search" }).click();
  await page.waitForURL((url) => url.searchParams.get("q") === words);
}
