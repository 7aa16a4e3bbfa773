/**
 * The account lifecycle on the self-service page, in Chromium against the local gateway (or the
 * synthesized stack): an invitation accepted, an authenticator app enrolled, a forgotten password
 * reset through the emailed link and the second factor, sessions ended from the list, the password
 * changed, a new email address confirmed. Links are read from the email outbox, as a user would
 * read their mail. Screenshots go to test-artifacts/screenshots/lifecycle-*.png.
 */
import { generate } from 'otplib';
import type { Page } from 'playwright-core';
import { screenshot, signIn, signOut, useBrowser, waitForStatus } from '../support/browser';
import { lastLink } from '../support/email';
import { accessToken, login, newOrg, uniqueEmail } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { expectNoAxeViolations } from '../support/axe';

jest.setTimeout(200_000);

// Chromium for this file; a script or console error fails the test (support/browser.ts).
const pages = useBrowser();

const text = (page: Page, selector: string) => page.locator(selector).innerText();
const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id);

/** A code for the next time step: the current one may have been used up already (codes are single-use). */
const nextTotpCode = (secret: string) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });

/** The page address of the newest emailed link to `email` carrying `param` (on this test's origin). */
async function emailedLink(email: string, param: 'invitation' | 'reset' | 'verify-email'): Promise<{ path: string; token: string }> {
  const link = await lastLink(email, 'http', param);
  const token = link?.searchParams.get(param);
  if (!link || !token) throw new Error(`No ${param} link in the last email to ${email} (${link ?? 'no email'})`);
  return { path: `/?${param}=${encodeURIComponent(token)}`, token };
}

/** An org admin invites a new member through the API; answers the invitee's address. */
async function invite(admin: { email: string; password: string }): Promise<string> {
  const email = uniqueEmail('invited');
  const created = await invoke('POST /api/users', { token: await accessToken(admin), body: { email, role: 'member' } });
  expect(created.status).toBe(201);
  expect(created.body.user).toMatchObject({ email, status: 'invited' });
  return email;
}

const passwordAccepted = async (user: { email: string; password: string }) =>
  (await invoke('POST /api/auth/login', { body: user })).status === 200;

describe('the account lifecycle on the self-service page', () => {
  it('walks invitation → set password → enrol TOTP → sign out → forgot password → reset with the second factor', async () => {
    const { admin } = await newOrg();
    const email = await invite(admin);
    const invitation = await emailedLink(email, 'invitation');

    // The invitation link opens the "choose your password" screen, and its token leaves the address bar.
    const { page } = await pages.open(invitation.path);
    expect(await page.getByRole('heading', { name: /Choose your password/ }).isVisible()).toBe(true);
    expect(page.url()).toBe(`${pages.url()}/`);
    await screenshot(page, 'lifecycle-invitation');
    await expectNoAxeViolations(page, 'invitation');

    // A common password is refused with the reason, the field flagged and focused.
    const invitationPassword = page.locator('#invitation-view').getByLabel('New password');
    await invitationPassword.fill('1qaz2wsx3edc4rfv');
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await waitForStatus(page, /common/, { error: true });
    expect(await invitationPassword.getAttribute('aria-invalid')).toBe('true');
    expect(await focusedId(page)).toBe('invitation-password');
    await expectNoAxeViolations(page, 'invitation (a refused password)');

    const firstPassword = 'violet lantern over quiet harbour';
    await invitationPassword.fill(firstPassword);
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await waitForStatus(page, /You are signed in/);
    expect(await text(page, '#sessions-list')).toMatch(/this browser/);

    // Enrol an authenticator app from the page.
    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    await waitForStatus(page, /Scan the QR code/);
    const secret = (await text(page, '#totp-secret')).replace(/\s+/g, '');
    await page.getByLabel('Enter the 6-digit code the app shows').fill(await generate({ secret }));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await waitForStatus(page, /authenticator app is turned on/);
    expect(await text(page, '#summary-2fa')).toBe('On');
    await signOut(page);

    // Forgot password: the same answer whoever asks; the link comes by email.
    await page.getByRole('button', { name: 'Forgot your password?' }).click();
    expect(await page.getByRole('heading', { name: 'Reset your password' }).isVisible()).toBe(true);
    expect(await focusedId(page)).toBe('forgot-heading');
    await page.getByLabel('Your account’s email').fill(email);
    await page.getByRole('button', { name: 'Email me a reset link' }).click();
    await waitForStatus(page, /has an account, we have emailed it a link/);
    await screenshot(page, 'lifecycle-forgot');
    await expectNoAxeViolations(page, 'forgot password');
    const reset = await emailedLink(email, 'reset');

    const { page: resetPage } = await pages.open(reset.path);
    expect(await resetPage.getByRole('heading', { name: 'Choose a new password' }).isVisible()).toBe(true);
    expect(resetPage.url()).toBe(`${pages.url()}/`);
    await expectNoAxeViolations(resetPage, 'reset password');
    const newPassword = 'copper kettle under northern rain';
    await resetPage.locator('#reset-view').getByLabel('New password').fill(newPassword);
    await resetPage.getByRole('button', { name: 'Set new password' }).click();

    // The account has a second factor: the new password waits for it.
    await waitForStatus(resetPage, /One more step/);
    expect(await text(resetPage, '#second-factor-hint')).toMatch(/Set your new password/);
    expect(await passwordAccepted({ email, password: newPassword })).toBe(false);
    await screenshot(resetPage, 'lifecycle-reset-second-factor');
    await expectNoAxeViolations(resetPage, 'reset password: second factor');

    await resetPage.getByLabel('Code', { exact: true }).fill(await nextTotpCode(secret));
    await resetPage.getByRole('button', { name: 'Verify' }).click();
    await waitForStatus(resetPage, /Your password has been reset/);
    await screenshot(resetPage, 'lifecycle-reset-done');
    await expectNoAxeViolations(resetPage, 'password reset done');

    expect(await passwordAccepted({ email, password: newPassword })).toBe(true);
    expect(await passwordAccepted({ email, password: firstPassword })).toBe(false);

    // The link worked once.
    const { page: again } = await pages.open(reset.path);
    await again.locator('#reset-view').getByLabel('New password').fill('another long passphrase here');
    await again.getByRole('button', { name: 'Set new password' }).click();
    await waitForStatus(again, /./, { error: true });
    expect(await again.locator('#reset-password').getAttribute('aria-invalid')).toBeNull();
  });

  it('says a used invitation link no longer works, without blaming the password', async () => {
    const { admin } = await newOrg();
    const email = await invite(admin);
    const invitation = await emailedLink(email, 'invitation');
    const accepted = await invoke('POST /api/auth/invitation/accept', { body: { token: invitation.token, password: 'amber meadow with seven foxes' } });
    expect(accepted.status).toBe(200);

    const { page } = await pages.open(invitation.path);
    await page.locator('#invitation-view').getByLabel('New password').fill('a different long passphrase');
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    const message = await waitForStatus(page, /./, { error: true });
    expect(message).not.toMatch(/internal|unexpected/i);
    expect(await page.locator('#invitation-password').getAttribute('aria-invalid')).toBeNull();
    await screenshot(page, 'lifecycle-invitation-used');
  });

  it('lists the sessions, signs out one and then every other, and changes the password', async () => {
    const { member } = await newOrg();
    const [other1, other2] = [await login(member), await login(member)];
    const { page } = await pages.open();
    await signIn(page, member);
    await waitForStatus(page, /You are signed in/);
    const rows = page.locator('#sessions-list li');
    expect(await rows.count()).toBe(3);
    expect(await rows.first().innerText()).toMatch(/this browser/);
    await screenshot(page, 'lifecycle-sessions');
    await expectNoAxeViolations(page, 'sessions');

    // Sign out one other session from its row.
    await rows.nth(1).getByRole('button', { name: /^Sign out / }).click();
    await waitForStatus(page, /^Signed out /);
    expect(await rows.count()).toBe(2);
    expect(await focusedId(page)).toBe('sessions-heading');
    const refreshed = await Promise.all(
      [other1, other2].map(async (s) => (await invoke('POST /api/auth/refresh', { body: { refreshToken: s.refreshToken } })).status),
    );
    expect(refreshed.sort()).toEqual([200, 401]);

    await page.getByRole('button', { name: 'Sign out everywhere else' }).click();
    await waitForStatus(page, /signed out everywhere else/);
    expect(await rows.count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Sign out everywhere else' }).isHidden()).toBe(true);

    // Change the password: a wrong current one is flagged; the right one changes it and ends the other sessions.
    const other3 = await login(member);
    await page.getByLabel('Current password').fill('not my password at all');
    await page.locator('#password-section').getByLabel('New password').fill('granite owl beside the river');
    await page.getByRole('button', { name: 'Change password' }).click();
    await waitForStatus(page, /./, { error: true });
    expect(await page.locator('#password-current').getAttribute('aria-invalid')).toBe('true');
    expect(await page.isVisible('#account-view')).toBe(true);
    await expectNoAxeViolations(page, 'password change (a refused password)');

    await page.getByLabel('Current password').fill(member.password);
    await page.locator('#password-section').getByLabel('New password').fill('granite owl beside the river');
    await page.getByRole('button', { name: 'Change password' }).click();
    await waitForStatus(page, /Your password is changed/);
    expect(await rows.count()).toBe(1);
    expect((await invoke('POST /api/auth/refresh', { body: { refreshToken: other3.refreshToken } })).status).toBe(401);
    expect(await passwordAccepted({ email: member.email, password: 'granite owl beside the river' })).toBe(true);
    await screenshot(page, 'lifecycle-password-changed');
    await expectNoAxeViolations(page, 'password changed');
    await signOut(page);
  });

  it('confirms a new email address from the emailed link', async () => {
    const { admin, member } = await newOrg();
    const newEmail = uniqueEmail('moved');
    const patched = await invoke('PATCH /api/users/{id}', { token: await accessToken(admin), params: { id: member.userId }, body: { email: newEmail } });
    expect(patched.status).toBe(200);
    const verify = await emailedLink(newEmail, 'verify-email');

    const { page } = await pages.open(verify.path);
    expect(await page.getByRole('heading', { name: 'Confirm your new email address' }).isVisible()).toBe(true);
    expect(page.url()).toBe(`${pages.url()}/`);
    await expectNoAxeViolations(page, 'verify email');
    await page.getByRole('button', { name: 'Confirm email address' }).click();
    await waitForStatus(page, /new email address is confirmed/);
    await screenshot(page, 'lifecycle-email-confirmed');

    await signIn(page, { email: newEmail, password: member.password });
    await waitForStatus(page, /You are signed in/);
    await signOut(page);
  });
});
