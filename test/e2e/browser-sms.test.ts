/**
 * A phone for text messages on the self-service page, in Chromium against the local gateway (or the
 * synthesized stack): offered only where the org allows SMS, the number and the code flagged when
 * refused, the code read from the SMS outbox as the user reads their phone, enrolment while signing
 * in where the org forces 2FA, and removing the phone. Every screen is checked with axe-core.
 * Screenshots go to test-artifacts/screenshots/sms-*.png.
 */
import type { Page } from 'playwright-core';
import { expectNoAxeViolations } from '../support/axe';
import { pageTokenClaims, screenshot, signIn, signOut, useBrowser, waitForStatus } from '../support/browser';
import { accessToken, newOrg, policyChangeSettles, type TestOrg } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { lastSms, randomDanishMobile } from '../support/sms';

jest.setTimeout(150_000);

// Chromium for this file; a script or console error fails the test (support/browser.ts).
const pages = useBrowser();

const text = (page: Page, selector: string) => page.locator(selector).innerText();
const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id);

/** An org whose policy allows SMS (to the country calling codes given, else any), optionally forcing 2FA. */
async function orgAllowingSms(options: { countryCodes?: string[]; forced?: boolean } = {}): Promise<TestOrg> {
  const org = await newOrg();
  const token = await accessToken(org.admin);
  expect((await invoke('POST /api/settings/twofactor/{method}', { token, params: { method: 'sms' } })).status).toBe(204);
  if (options.countryCodes) {
    expect((await invoke('PATCH /api/settings/twofactor', { token, body: { smsCountryCodes: options.countryCodes } })).status).toBe(204);
  }
  if (options.forced) expect((await invoke('POST /api/settings/twofactor/force', { token })).status).toBe(204);
  await policyChangeSettles(org.orgId);
  return org;
}

/** Types the number and asks for a code; answers the number in E.164 (the outbox's address). */
async function addPhone(page: Page, phone = randomDanishMobile()): Promise<string> {
  await page.getByLabel('Mobile number').fill(phone);
  await page.getByRole('button', { name: 'Text me a code', exact: true }).click();
  await waitForStatus(page, /We texted you a code/);
  return `+45${phone}`;
}

/** The code the outbox holds for the number, as the user would read it on their phone. */
async function textedCode(e164: string): Promise<string> {
  const sms = await lastSms(e164);
  if (!sms) throw new Error(`No SMS to ${e164} in the outbox`);
  return sms.code;
}

describe('a phone for text messages on the self-service page', () => {
  it('is not offered where the org does not allow SMS', async () => {
    const { member } = await newOrg();
    const { page } = await pages.open();
    await signIn(page, member);
    await waitForStatus(page, /You are signed in/);
    expect(await page.locator('#sms-section').isHidden()).toBe(true);
    expect(await page.getByRole('button', { name: 'Add a phone (text messages)' }).count()).toBe(0);
    await signOut(page);
  });

  it('adds a phone: a refused number and a wrong code are flagged, the texted code confirms it', async () => {
    const { member } = await orgAllowingSms({ countryCodes: ['45'] });
    const { page } = await pages.open();
    await signIn(page, member);
    await waitForStatus(page, /You are signed in/);
    expect(await page.getByRole('heading', { name: 'Text messages (SMS)' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Remove phone' }).isHidden()).toBe(true);
    await expectNoAxeViolations(page, 'account with SMS offered');

    // The org allows one country calling code: the hint names it and the field holds it.
    await page.getByRole('button', { name: 'Add a phone (text messages)' }).click();
    expect(await text(page, '#sms-country-help')).toBe('Text messages can go to numbers with the country calling code: +45.');
    expect(await page.getByLabel('Country calling code').inputValue()).toBe('+45');
    expect(await focusedId(page)).toBe('sms-phone');
    await expectNoAxeViolations(page, 'SMS: the phone number');
    await screenshot(page, 'sms-number');

    // Not a Danish mobile number (libphonenumber on the server): the number's field is flagged.
    await page.getByLabel('Mobile number').fill('1234');
    await page.getByRole('button', { name: 'Text me a code', exact: true }).click();
    await waitForStatus(page, /not a valid mobile phone number/, { error: true });
    expect(await page.getByLabel('Mobile number').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Country calling code').getAttribute('aria-invalid')).toBeNull();
    expect(await focusedId(page)).toBe('sms-phone');
    await expectNoAxeViolations(page, 'SMS: a refused number');
    await screenshot(page, 'sms-number-refused');

    // A country calling code the org does not allow: that field is flagged.
    await page.getByLabel('Country calling code').fill('+46');
    await page.getByLabel('Mobile number').fill('701234567');
    await page.getByRole('button', { name: 'Text me a code', exact: true }).click();
    await waitForStatus(page, /SMS to \+46 numbers is not allowed here/, { error: true });
    expect(await page.getByLabel('Country calling code').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Country calling code').fill('+45');

    const e164 = await addPhone(page);
    expect(await focusedId(page)).toBe('sms-code');
    expect(await text(page, '#summary-sms')).toMatch(/^\+45 \*{6}\d{2} \(not confirmed\)$/);
    await expectNoAxeViolations(page, 'SMS: the texted code');
    await screenshot(page, 'sms-code');

    await page.getByLabel('Enter the 6-digit code we texted you').fill((await textedCode(e164)) === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'Confirm phone' }).click();
    await waitForStatus(page, /invalid or expired/, { error: true });
    expect(await page.getByLabel('Enter the 6-digit code we texted you').getAttribute('aria-invalid')).toBe('true');
    await expectNoAxeViolations(page, 'SMS: a wrong code');

    await page.getByLabel('Enter the 6-digit code we texted you').fill(await textedCode(e164));
    await page.getByRole('button', { name: 'Confirm phone' }).click();
    await waitForStatus(page, /Your phone is confirmed/);
    expect(await text(page, '#summary-2fa')).toBe('On');
    expect(await text(page, '#summary-method')).toBe('SMS');
    expect(await text(page, '#summary-sms')).toBe(`+45 ******${e164.slice(-2)}`);
    expect(await text(page, '#sms-state')).toBe(`Sign-in codes are texted to +45 ******${e164.slice(-2)}.`);
    expect(await page.locator('#sms-code-form').isHidden()).toBe(true);
    expect(await page.getByRole('button', { name: 'Remove phone' }).isVisible()).toBe(true);
    expect(await focusedId(page)).toBe('sms-heading');
    await expectNoAxeViolations(page, 'account with a confirmed phone');
    await screenshot(page, 'sms-confirmed');

    // The next sign-in asks for the second factor and offers to text a code.
    await signOut(page);
    await signIn(page, member);
    await waitForStatus(page, /One more step/);
    expect(await page.getByRole('button', { name: 'Text me a code', exact: true }).isVisible()).toBe(true);
    expect(await text(page, '#login-code-help')).toMatch(/the code we text you/);
    await expectNoAxeViolations(page, 'second factor (SMS)');
  });

  it('enrols a phone while signing in where the org forces 2FA, then removes it', async () => {
    const { member } = await orgAllowingSms({ forced: true });
    const { page } = await pages.open();
    await signIn(page, member);
    await waitForStatus(page, /Set up a second factor to finish signing in/);
    // A pending sign-in cannot remove anything: only adding is offered.
    expect(await page.getByRole('button', { name: 'Remove phone' }).isHidden()).toBe(true);
    await page.getByRole('button', { name: 'Add a phone (text messages)' }).click();
    expect(await text(page, '#sms-country-help')).toMatch(/For example \+45/);
    await page.getByLabel('Country calling code').fill('45');
    const e164 = await addPhone(page);
    await expectNoAxeViolations(page, 'forced enrolment: the texted code');

    await page.getByLabel('Enter the 6-digit code we texted you').fill(await textedCode(e164));
    await page.getByRole('button', { name: 'Confirm phone' }).click();
    await waitForStatus(page, /Your phone is confirmed/);
    expect(await pageTokenClaims(page)).toMatchObject({ aal: 2, amr: expect.arrayContaining(['sms']) });
    expect(await page.locator('#setup-required').isHidden()).toBe(true);
    await screenshot(page, 'sms-forced-enrolment-done');

    // Signed in with the phone just now: a recent second factor, so it may be removed.
    await page.getByRole('button', { name: 'Remove phone' }).click();
    await waitForStatus(page, /Your phone is removed/);
    expect(await page.locator('#summary-sms-row').isHidden()).toBe(true);
    expect(await text(page, '#summary-2fa')).toBe('Off');
    expect(await page.getByRole('button', { name: 'Add a phone (text messages)' }).isVisible()).toBe(true);
    await expectNoAxeViolations(page, 'account after removing the phone');
    await screenshot(page, 'sms-removed');
    await signOut(page);
  });
});
