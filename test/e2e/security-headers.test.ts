/**
 * The security headers, as a browser receives them from the local server: every header of
 * shared/http/security-headers.ts (the set CloudFront's response-headers policy sends in AWS) on
 * the page, its script and stylesheet, and the API; and the page still works under that policy
 * (no CSP violation while it loads, signs in and shows the signed-in view).
 */
import type { Page } from 'playwright-core';
import { SECURITY_HEADERS } from '../../shared/http/security-headers';
import { newOrg } from '../support/fixtures';
import { signIn, useBrowser, waitForStatus } from '../support/browser';

jest.setTimeout(90_000);

const pages = useBrowser();

/** Every CSP violation and script error the page reports, recorded from before its first script runs. */
async function watchedPage(): Promise<{ page: Page; problems: string[]; close: () => Promise<void> }> {
  const context = await pages.browser().newContext();
  const page = await context.newPage();
  const problems: string[] = [];
  await page.exposeFunction('reportViolation', (text: string) => problems.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      (window as unknown as { reportViolation(text: string): void }).reportViolation(`CSP: ${event.violatedDirective} blocked ${event.blockedURI}`);
    });
  });
  page.on('pageerror', (error) => problems.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource: the server responded')) problems.push(`console: ${message.text()}`);
  });
  return { page, problems, close: () => context.close() };
}

describe('security headers from the local server', () => {
  test('the page, its script, its stylesheet and the API each carry every security header', async () => {
    const { page, close } = await watchedPage();
    const seen = new Map<string, Record<string, string>>();
    page.on('response', (response) => {
      const path = new URL(response.url()).pathname;
      if (['/', '/app.js', '/style.css'].includes(path)) seen.set(path, response.headers());
    });
    await page.goto(`${pages.url()}/`);
    await page.locator('body[data-ready="true"]').waitFor();
    const api = await page.request.get(`${pages.url()}/health`);
    seen.set('/health', api.headers());
    expect([...seen.keys()].sort()).toEqual(['/', '/app.js', '/health', '/style.css']);
    for (const [path, headers] of seen) {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
        expect({ path, name, value: headers[name] }).toEqual({ path, name, value });
      }
    }
    await close();
  });

  test('the page works under the policy: loads, signs in, shows the account; no violation, no script error', async () => {
    const { member } = await newOrg();
    const { page, problems, close } = await watchedPage();
    await page.goto(`${pages.url()}/`);
    await page.locator('body[data-ready="true"]').waitFor();
    await signIn(page, member);
    await waitForStatus(page, /You are signed in/);
    // The page cannot be framed: frame-ancestors 'none' and X-Frame-Options DENY.
    const framed = await page.evaluate(async (url) => {
      const frame = document.createElement('iframe');
      frame.src = url;
      document.body.append(frame);
      await new Promise((resolve) => setTimeout(resolve, 500));
      try {
        return frame.contentDocument?.body?.dataset.ready ?? 'not loaded';
      } catch {
        return 'blocked';
      }
    }, `${pages.url()}/`);
    expect(framed).not.toBe('true');
    expect(problems.filter((p) => !/frame-ancestors|Refused to display|X-Frame-Options/i.test(p))).toEqual([]);
    await close();
  });
});
