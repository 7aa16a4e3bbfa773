/**
 * Browser tests, against the synthesized stack (`npm run test:synth`, what deploys): the page at
 * http://localhost:3000, the WebAuthn origin the template names, which the browser reaches through
 * the run's proxy (support/synth.ts); Debian's Chromium driven by playwright-core (never a downloaded
 * browser), Chromium's virtual authenticator, and screenshots.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const screenshotDir = join(__dirname, '..', '..', 'test-artifacts', 'screenshots');

/** The page's origin in the synthesized stack's context (support/synth.ts, testContext). */
const PAGE_ORIGIN = 'http://localhost:3000';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    // Playwright lets loopback requests through the proxy (<-loopback>), including page.request's.
    proxy: { server: process.env.TEST_SYNTH_PROXY! },
  });
}

export type Transport = 'internal' | 'usb';

/** A CTAP2 authenticator with resident keys and user verification, attached to the page's browser. */
export async function addVirtualAuthenticator(context: BrowserContext, page: Page, transport: Transport) {
  const cdp: CDPSession = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport,
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return {
    cdp,
    authenticatorId,
    credentials: async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials,
  };
}

/** Saves the screen as test-artifacts/screenshots/<name>.png (or at `path`). */
export async function screenshot(page: Page, name: string, path = join(screenshotDir, `${name}.png`)): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await page.screenshot({ path, fullPage: true, animations: 'disabled', caret: 'hide' });
}

/**
 * Waits until the page's live status region says something matching `expected`; fails at once,
 * with the message, when the page reports an error it was not expecting.
 */
export async function waitForStatus(page: Page, expected: RegExp, options: { timeoutMs?: number; error?: boolean } = {}): Promise<string> {
  // The synthesized stack's first request to each function is a cold start in a fresh process.
  const timeout = options.timeoutMs ?? 30_000;
  // Polled inside the page (every 50 ms): one look is a check in the page, not a protocol round trip
  // from this worker, which cost the browser and the worker CPU for every look.
  const seen = await page
    .waitForFunction(
      ({ source, flags, error }) => {
        const node = document.querySelector('#status');
        const text = node?.textContent ?? '';
        const isError = node?.classList.contains('error') ?? false;
        if (new RegExp(source, flags).test(text) && (error === undefined || error === isError)) return { text };
        if (isError && !error && text) return { text, unexpected: true };
        return false;
      },
      { source: expected.source, flags: expected.flags, error: options.error },
      { polling: 50, timeout },
    )
    .then((handle) => handle.jsonValue() as Promise<{ text: string; unexpected?: boolean }>)
    .catch(async (error: Error) => {
      if (error.name !== 'TimeoutError') throw error;
      const last = await page.locator('#status').textContent().catch(() => '');
      throw new Error(`Status never matched ${expected}; last: "${last ?? ''}"`);
    });
  if (seen.unexpected) throw new Error(`The page reported an error: ${seen.text}`);
  return seen.text;
}

/** The claims of the access token the page holds in sessionStorage. */
export async function pageTokenClaims(page: Page): Promise<Record<string, unknown>> {
  const stored = await page.evaluate(() => sessionStorage.getItem('twofactor.session'));
  if (!stored) throw new Error('The page holds no session');
  const { accessToken } = JSON.parse(stored) as { accessToken: string };
  return JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/**
 * Pages for one test file: each in a fresh context (its own sessionStorage) at phone size, with
 * confirm() dialogs accepted. Uncaught script errors and console errors (a CSP violation, a missing
 * file) are collected; `closeAll` closes the contexts and answers those errors, which fail the test.
 */
function pageOpener(browser: () => Browser, origin: string) {
  const contexts: BrowserContext[] = [];
  const errors: Error[] = [];
  return {
    /** Opens `path` (default the page itself) and waits until the script has wired it. */
    async open(path = '/'): Promise<{ context: BrowserContext; page: Page }> {
      const context = await browser().newContext({ viewport: { width: 420, height: 860 }, locale: 'en-GB', timezoneId: 'UTC' });
      contexts.push(context);
      const page = await context.newPage();
      page.on('dialog', (dialog) => void dialog.accept());
      page.on('pageerror', (error) => errors.push(error));
      page.on('console', (message) => {
        // HTTP error answers are part of the flows (a wrong code is a 422); anything else is not.
        if (message.type() === 'error' && !message.text().startsWith('Failed to load resource: the server responded')) {
          errors.push(new Error(`console: ${message.text()}`));
        }
      });
      await page.goto(`${origin}${path}`);
      await page.locator('body[data-ready="true"]').waitFor();
      return { context, page };
    },
    async closeAll(): Promise<string[]> {
      await Promise.all(contexts.splice(0).map((c) => c.close()));
      return errors.splice(0).map(String);
    },
  };
}

/**
 * The set-up every browser test file shares, as jest hooks: before its tests Chromium starts; after
 * each test its pages close, and any script or console error they saw fails it; after the file it
 * stops. Call once at the top level of the file:
 *
 *   const pages = useBrowser();
 *   const { context, page } = await pages.open();
 */
export function useBrowser() {
  if (process.env.TEST_SERVER_MODE !== 'synth') throw new Error('The browser suites run against the synthesized stack: npm run test:synth');
  let browser: Browser | undefined;
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useBrowser(): the browser is only there inside the tests');
    return value;
  };
  const opener = pageOpener(() => started(browser), PAGE_ORIGIN);
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    expect(await opener.closeAll()).toEqual([]);
  });
  return {
    /** Opens `path` (default the page itself) in a fresh context and waits until the script has wired it. */
    open: opener.open,
    /** The page's origin. */
    url: () => PAGE_ORIGIN,
    browser: () => started(browser),
  };
}

export async function signIn(page: Page, user: { email: string; password: string }): Promise<void> {
  await page.locator('#login-view').getByLabel('Email', { exact: true }).fill(user.email);
  await page.locator('#login-view').getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await waitForStatus(page, /signed out/);
  await page.locator('#login-view').waitFor();
}
