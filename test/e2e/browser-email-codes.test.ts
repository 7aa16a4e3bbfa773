/**
 * Codes by email on the self-service page, in a real browser: enrolling the account's address (the
 * code read from the email outbox, the local stand-in for SES), then "Email me a code" at sign-in.
 */
import type { Page } from 'playwright-core';
import { emailCodeIntervalPassed, lastEmailCode } from '../support/email';
import { accessToken, newOrg, policyChangeSettles } from '../support/fixtures';
import { expectNoAxeViolations } from '../support/axe';
import { pageTokenClaims, screenshot, signIn, signOut, useBrowser, waitForStatus } from '../support/browser';
import { invoke } from '../support/invoke';

jest.setTimeout(150_000);

// Chromium for this file; a script or console error fails the test (support/browser.ts).
const pages = useBrowser();

const text = (page: Page, selector: string) => page.locator(selector).innerText();

it('enrols codes by email from the page, then signs in with “Email me a code”', async () => {
  const org = await newOrg();
  await invoke('POST /api/settings/twofactor/{method}', { token: await accessToken(org.admin), params: { method: 'email' } });
  await policyChangeSettles(org.orgId);
  const { page } = await pages.open();

  await signIn(page, org.member);
  await waitForStatus(page, /You are signed in/);
  await page.getByRole('button', { name: 'Email me a code' }).click();
  await waitForStatus(page, /We emailed a code to/);
  await screenshot(page, 'email-codes-setup');
  await expectNoAxeViolations(page, 'email codes set-up');
  await page.getByLabel('Enter the 6-digit code we emailed you').fill((await lastEmailCode(org.member.email))!);
  await page.getByRole('button', { name: 'Turn on' }).click();
  await waitForStatus(page, /Codes by email are turned on/);
  expect(await text(page, '#summary-2fa')).toBe('On');
  expect(await text(page, '#summary-email')).toBe('On');
  await signOut(page);

  // The next code may go out once the 30-second interval between a user's sends has passed: the
  // synthesized functions run on real time, so the last send is moved back instead of waiting.
  await emailCodeIntervalPassed(org.member.userId);
  await signIn(page, org.member);
  await waitForStatus(page, /One more step/);
  await page.getByRole('button', { name: 'Email me a code' }).click();
  await waitForStatus(page, /We emailed a code to/);
  await expectNoAxeViolations(page, 'second factor by email code');
  await page.getByLabel('Code', { exact: true }).fill((await lastEmailCode(org.member.email))!);
  await page.getByRole('button', { name: 'Verify' }).click();
  await waitForStatus(page, /You are signed in/);
  expect(await pageTokenClaims(page)).toMatchObject({ aal: 2, amr: ['pwd', 'email'] });
  await screenshot(page, 'email-codes-signed-in');
  await signOut(page);
});
