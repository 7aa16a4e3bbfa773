/**
 * Passkey sign-in on the self-service page, in Chromium with its virtual authenticator (a CTAP2
 * device with resident keys and user verification): "Add a passkey", then signing in with the
 * passkey alone (the explicit button, and the email field's autofill, conditional UI).
 */
import type { Page } from 'playwright-core';
import { newOrg } from '../support/fixtures';
import { expectNoAxeViolations } from '../support/axe';
import { addVirtualAuthenticator, pageTokenClaims, screenshot, signIn, signOut, useBrowser, waitForStatus } from '../support/browser';
import { setPasswordless } from '../support/passkeys';

// Registration, sign-out and a passkey sign-in in one test: more steps than the other browser tests.
jest.setTimeout(120_000);

// Chromium for this file; a script or console error fails the test (support/browser.ts).
const pages = useBrowser();

const text = (page: Page, selector: string) => page.locator(selector).innerText();

/** A member of an org that allows passkey sign-in, with a passkey added on the page, then signed out. */
async function memberWithPasskeyOnPage() {
  const { admin, member } = await newOrg();
  await setPasswordless(admin);
  const { context, page } = await pages.open();
  const authenticator = await addVirtualAuthenticator(context, page, 'internal');
  await signIn(page, member);
  await waitForStatus(page, /You are signed in/);
  await page.getByLabel('Name for the new key').fill('Laptop');
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await waitForStatus(page, /Passkey “Laptop” added/);
  expect(await text(page, '#keys-list')).toContain('Passkey ·');
  const [credential] = await authenticator.credentials();
  expect(credential).toMatchObject({ isResidentCredential: true });
  await screenshot(page, 'passkey-added');
  await expectNoAxeViolations(page, 'account with a passkey');
  return { member, page, authenticator };
}

describe('passkey sign-in on the self-service page', () => {
  it('the email field offers passkeys (conditional UI) and the button is there', async () => {
    const { page } = await pages.open();
    expect(await page.locator('#login-email').getAttribute('autocomplete')).toBe('username webauthn');
    expect(await page.getByRole('button', { name: 'Sign in with a passkey' }).isVisible()).toBe(true);
    await expectNoAxeViolations(page, 'sign-in with the passkey button');
  });

  it('adds a passkey, then signs in with it alone through the button: aal 2, amr hwk + user', async () => {
    const { member, page } = await memberWithPasskeyOnPage();
    await signOut(page);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await waitForStatus(page, /You are signed in/);
    expect(await pageTokenClaims(page)).toMatchObject({ sub: String(member.userId), aal: 2, amr: ['hwk', 'user'] });
    expect(await text(page, '#sessions-list')).toMatch(/Passkey/);
    await screenshot(page, 'passkey-signed-in');
    await signOut(page);
  });

  it('conditional UI: the passkey offered in the email field signs in without a password', async () => {
    const { member, page } = await memberWithPasskeyOnPage();
    await signOut(page);
    // The page offers passkeys in the email field when it opens on the sign-in screen. Chromium's
    // virtual authenticator answers that conditional request with its passkey at once, as a user
    // picking it from the field's suggestions would.
    await page.reload();
    await waitForStatus(page, /You are signed in/);
    expect(await pageTokenClaims(page)).toMatchObject({ sub: String(member.userId), aal: 2, amr: ['hwk', 'user'] });
    await signOut(page);
  });
});
