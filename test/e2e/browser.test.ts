/**
 * The self-service page in a real browser (Debian's Chromium through playwright-core) against the
 * local gateway: security keys with Chromium's virtual authenticator, an authenticator app enrolled
 * from the page, and recovery codes. Screenshots of each state go to test-artifacts/screenshots/.
 */
import { join } from 'node:path';
import { generate } from 'otplib';
import type { Page } from 'playwright-core';
import { accessToken, newOrg, policyChangeSettles } from '../support/fixtures';
import {
  addVirtualAuthenticator,
  pageTokenClaims,
  screenshot,
  signIn,
  signOut,
  type Transport,
  useBrowser,
  waitForStatus,
} from '../support/browser';
import { invoke } from '../support/invoke';
import { expectNoAxeViolations } from '../support/axe';
import { enrolTotp } from '../support/two-factor';

// Against the synthesized stack (npm run test:synth) each function's first request is a cold start.
jest.setTimeout(120_000);

// Chromium for this file; a script or console error fails the test (support/browser.ts).
const pages = useBrowser();

const openPage = () => pages.open();

const text = (page: Page, selector: string) => page.locator(selector).innerText();

/** A code for the next time step: the current one may have been used up already (codes are single-use). */
const nextTotpCode = (secret: string) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });

describe('the self-service page', () => {
  it('serves the page under its CSP with the bundle loaded', async () => {
    const { page } = await openPage();
    const response = await page.request.get(`${pages.url()}/`);
    expect(response.headers()['content-security-policy']).toContain("default-src 'self'");
    expect(await page.locator('#status').getAttribute('aria-live')).toBe('polite');
    expect(await page.getByRole('heading', { name: 'Sign in' }).isVisible()).toBe(true);
    await screenshot(page, 'sign-in');
    await expectNoAxeViolations(page, 'sign in');
  });

  it.each<Transport>(['internal', 'usb'])('registers a security key (%s), signs in with it and removes it', async (transport) => {
    const { member } = await newOrg();
    const { context, page } = await openPage();
    const authenticator = await addVirtualAuthenticator(context, page, transport);

    await signIn(page, member);
    await waitForStatus(page, /You are signed in/);
    expect(await text(page, '#summary-2fa')).toBe('Off');
    await screenshot(page, `key-${transport}-signed-in`);
    await expectNoAxeViolations(page, 'account');

    await page.getByLabel('Name for the new key').fill(`Test key (${transport})`);
    await page.getByRole('button', { name: 'Add a security key' }).click();
    await waitForStatus(page, /added/);
    expect(await page.locator('#keys-list li').count()).toBe(1);
    expect(await text(page, '#keys-list')).toContain(`Test key (${transport})`);
    expect(await text(page, '#summary-keys')).toBe('1');
    expect(await text(page, '#summary-2fa')).toBe('On');
    expect(await text(page, '#summary-method')).toBe('Security key');
    expect(await authenticator.credentials()).toHaveLength(1);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('keys-heading');
    await screenshot(page, `key-${transport}-registered`);
    await expectNoAxeViolations(page, 'account with a security key');

    await signOut(page);
    await signIn(page, member);
    await waitForStatus(page, /One more step/);
    expect(await page.getByRole('button', { name: 'Use your security key' }).isVisible()).toBe(true);
    await screenshot(page, `key-${transport}-second-factor`);
    await expectNoAxeViolations(page, 'second factor (security key)');

    await page.getByRole('button', { name: 'Use your security key' }).click();
    await waitForStatus(page, /You are signed in/);
    expect(await pageTokenClaims(page)).toMatchObject({ aal: 2, amr: expect.arrayContaining(['hwk']) });
    expect(await text(page, '#keys-list')).toMatch(/last used/);
    await screenshot(page, `key-${transport}-signed-in-with-key`);

    await page.getByRole('button', { name: `Remove security key Test key (${transport})` }).click();
    await waitForStatus(page, /removed/);
    expect(await page.locator('#keys-list li').count()).toBe(0);
    expect(await page.locator('#keys-empty').isVisible()).toBe(true);
    expect(await text(page, '#summary-keys')).toBe('0');
    await screenshot(page, `key-${transport}-removed`);

    await signOut(page);
  });

  it('lets a user whose org forces 2FA enrol a key while signing in', async () => {
    const { admin, member } = await newOrg();
    expect((await invoke('POST /api/settings/twofactor/force', { token: await accessToken(admin) })).status).toBe(204);
    await policyChangeSettles(admin.orgId);
    const { context, page } = await openPage();
    await addVirtualAuthenticator(context, page, 'usb');

    await signIn(page, member);
    await waitForStatus(page, /Set up a second factor to finish signing in/);
    expect(await page.getByRole('heading', { name: 'Set up a second factor' }).isVisible()).toBe(true);
    expect(await page.locator('#setup-required').isVisible()).toBe(true);
    expect(await page.locator('#recovery-section').isHidden()).toBe(true);
    await screenshot(page, 'forced-enrolment');
    await expectNoAxeViolations(page, 'forced enrolment');

    await page.getByRole('button', { name: 'Add a security key' }).click();
    await waitForStatus(page, /added/);
    expect(await pageTokenClaims(page)).toMatchObject({ aal: 2, amr: expect.arrayContaining(['hwk']) });
    expect(await page.locator('#setup-required').isHidden()).toBe(true);
    expect(await text(page, '#summary-keys')).toBe('1');
    await screenshot(page, 'forced-enrolment-done');
    await signOut(page);
  });

  it('enrols an authenticator app from the QR page and signs in with password and code', async () => {
    const { member } = await newOrg();
    const { page } = await openPage();

    await signIn(page, member);
    await waitForStatus(page, /You are signed in/);
    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    await waitForStatus(page, /Scan the QR code/);
    const qr = page.getByRole('img', { name: /QR code/ });
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    expect(await qr.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    const secret = (await text(page, '#totp-secret')).replace(/\s+/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(new URL((await page.locator('#totp-link').getAttribute('href'))!).searchParams.get('secret')).toBe(secret);
    await screenshot(page, 'totp-setup');
    await expectNoAxeViolations(page, 'authenticator app set-up');

    await page.getByLabel('Enter the 6-digit code the app shows').fill(await generate({ secret }));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await waitForStatus(page, /authenticator app is turned on/);
    expect(await text(page, '#summary-2fa')).toBe('On');
    expect(await text(page, '#summary-method')).toBe('Authenticator app');
    expect(await page.locator('#totp-setup').isHidden()).toBe(true);
    await screenshot(page, 'totp-enabled');

    await signOut(page);
    await signIn(page, member);
    await waitForStatus(page, /One more step/);
    expect(await page.getByRole('button', { name: 'Use your security key' }).isVisible()).toBe(false);

    // A wrong code: the problem's detail in the status region, the field marked invalid and focused.
    await page.getByLabel('Code', { exact: true }).fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await waitForStatus(page, /invalid or expired/, { error: true });
    expect(await page.getByLabel('Code', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('login-code');
    await screenshot(page, 'totp-wrong-code');
    await expectNoAxeViolations(page, 'second factor (a refused code)');

    await page.getByLabel('Code', { exact: true }).fill(await nextTotpCode(secret));
    await page.getByRole('button', { name: 'Verify' }).click();
    await waitForStatus(page, /You are signed in/);
    expect(await pageTokenClaims(page)).toMatchObject({ aal: 2, amr: expect.arrayContaining(['otp']) });
    await screenshot(page, 'totp-signed-in');
    await signOut(page);
  });

  it('generates recovery codes and finishes a sign-in with one', async () => {
    const { member } = await newOrg();
    const secret = await enrolTotp(await accessToken(member));
    const { context, page } = await openPage();

    // Recovery codes need a recent second factor: sign in with the app first.
    await signIn(page, member);
    await waitForStatus(page, /One more step/);
    await page.getByLabel('Code', { exact: true }).fill(await nextTotpCode(secret));
    await page.getByRole('button', { name: 'Verify' }).click();
    await waitForStatus(page, /You are signed in/);
    expect(await text(page, '#summary-recovery')).toBe('0');

    await page.getByRole('button', { name: 'Generate new recovery codes' }).click();
    await waitForStatus(page, /new recovery codes/);
    const codes = await page.locator('#recovery-codes li').allInnerTexts();
    expect(codes).toHaveLength(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/);
    expect(await page.locator('#recovery-warning').isVisible()).toBe(true);
    expect(await text(page, '#summary-recovery')).toBe('10');
    await screenshot(page, 'recovery-codes');
    await expectNoAxeViolations(page, 'recovery codes');

    await page.getByRole('button', { name: 'I have saved them' }).click();
    expect(await page.locator('#recovery-codes li').count()).toBe(0);
    await signOut(page);

    await signIn(page, member);
    await waitForStatus(page, /One more step/);
    await page.getByLabel('Code', { exact: true }).fill(codes[3]!);
    await page.getByRole('button', { name: 'Verify' }).click();
    await waitForStatus(page, /You are signed in/);
    expect(await pageTokenClaims(page)).toMatchObject({ aal: 2 });
    expect(await text(page, '#summary-recovery')).toBe('9');
    await screenshot(page, 'recovery-signed-in');

    if (process.env.UPDATE_DOCS_SCREENSHOT) {
      // The README's picture: an app, a key and recovery codes.
      await addVirtualAuthenticator(context, page, 'usb');
      await page.getByLabel('Name for the new key').fill('YubiKey 5C');
      await page.getByRole('button', { name: 'Add a security key' }).click();
      await waitForStatus(page, /added/);
      await page.setViewportSize({ width: 720, height: 900 });
      await screenshot(page, 'docs', join(__dirname, '..', '..', 'docs', 'screenshot.png'));
    }
    await signOut(page);
  });
});
