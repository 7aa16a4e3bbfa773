/**
 * Browser tests: the local gateway serving the self-service page on http://localhost:<port> (the
 * WebAuthn origin the server is configured to accept), Debian's Chromium driven by playwright-core
 * (never a downloaded browser), Chromium's virtual authenticator, and screenshots.
 */
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { reservePort } from '../../infra/local/dynamodb';
import { startGateway } from '../../infra/local/gateway';
import { buildWeb } from '../../infra/local/web-build';
import { resetConfig } from '../../shared/config';

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

const synth = process.env.TEST_SERVER_MODE === 'synth';

const screenshotDir = join(__dirname, '..', '..', 'test-artifacts', 'screenshots');

export interface PageServer {
  /** The page's origin, http://localhost:<port>: a secure context, and an allowed WebAuthn origin. */
  url: string;
  close(): Promise<void>;
}

/**
 * Builds web/dist, then starts the gateway on a free port after adding its origin to
 * WEBAUTHN_ORIGINS (configuration is read once, so it is reset before any request is handled).
 */
export async function startPageServer(): Promise<PageServer> {
  // The synthesized stack's WebAuthn origin is http://localhost:3000; the browser reaches the server
  // through a proxy (launchChromium, support/synth.ts), so the page's origin is the one the template names.
  if (synth) return { url: 'http://localhost:3000', close: async () => undefined };
  await buildWeb();
  const port = await reservePort(0, 'the browser test server');
  const origin = `http://localhost:${port}`;
  const before = { origins: process.env.WEBAUTHN_ORIGINS, rpId: process.env.WEBAUTHN_RP_ID };
  const origins = (before.origins ?? '').split(',').filter(Boolean);
  process.env.WEBAUTHN_ORIGINS = [...origins, origin].join(',');
  process.env.WEBAUTHN_RP_ID ??= 'localhost';
  resetConfig();
  const { server }: { server: Server } = await startGateway(port);
  const restore = (name: string, value: string | undefined) => {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  };
  return {
    url: origin,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      restore('WEBAUTHN_ORIGINS', before.origins);
      restore('WEBAUTHN_RP_ID', before.rpId);
      resetConfig();
    },
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    // Playwright lets loopback requests through the proxy (<-loopback>), including page.request's.
    ...(synth && { proxy: { server: process.env.TEST_SYNTH_PROXY! } }),
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

/**
 * Saves the screen (test-artifacts/screenshots/<name>.png unless `path` says), in the in-process
 * run only: the synthesized stack serves the same page build, so its pass would draw the same
 * screens again (about 15% of the browser's CPU there).
 */
export async function screenshot(page: Page, name: string, path = join(screenshotDir, `${name}.png`)): Promise<void> {
  if (synth) return;
  await mkdir(join(path, '..'), { recursive: true });
  await page.screenshot({ path, fullPage: true, animations: 'disabled', caret: 'hide' });
}

/**
 * Waits until the page's live status region says something matching `expected`; fails at once,
 * with the message, when the page reports an error it was not expecting.
 */
export async function waitForStatus(page: Page, expected: RegExp, options: { timeoutMs?: number; error?: boolean } = {}): Promise<string> {
  // The synthesized stack's first request to each function is a cold start in a fresh process.
  const timeout = options.timeoutMs ?? (synth ? 30_000 : 10_000);
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
function pageOpener(browser: () => Browser, origin: () => string) {
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
      await page.goto(`${origin()}${path}`);
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
 * The set-up every browser test file shares, as jest hooks: before its tests the page server and
 * Chromium start; after each test its pages close, and any script or console error they saw fails
 * it; after the file both stop. Call once at the top level of the file:
 *
 *   const pages = useBrowser();
 *   const { context, page } = await pages.open();
 */
export function useBrowser() {
  let server: PageServer | undefined;
  let browser: Browser | undefined;
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useBrowser(): the browser is only there inside the tests');
    return value;
  };
  const opener = pageOpener(
    () => started(browser),
    () => started(server).url,
  );
  beforeAll(async () => {
    [server, browser] = await Promise.all([startPageServer(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  afterEach(async () => {
    expect(await opener.closeAll()).toEqual([]);
  });
  return {
    /** Opens `path` (default the page itself) in a fresh context and waits until the script has wired it. */
    open: opener.open,
    /** The page's origin, http://localhost:<port>. */
    url: () => started(server).url,
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
