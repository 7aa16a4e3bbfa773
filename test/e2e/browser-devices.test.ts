/**
 * Remembered devices on the self-service page, in Chromium against the local gateway: the checkbox
 * on the second-factor screen where the org allows it, the HttpOnly cookie it leaves, the next
 * sign-in that skips the second step, and "Forget" in the account's device list.
 */
import { generate } from 'otplib';
import { accessToken, newOrg, policyChangeSettles } from '../support/fixtures';
import { allowDevices } from '../support/devices';
import { expectNoAxeViolations } from '../support/axe';
import { pageTokenClaims, screenshot, signIn, signOut, useBrowser, waitForStatus } from '../support/browser';
import { enrolTotp } from '../support/two-factor';

jest.setTimeout(120_000);

// Chromium for this file; a script or console error fails the test (support/browser.ts).
const pages = useBrowser();

/** A code for the next time step: enrolment used the current one. */
const nextTotpCode = (secret: string) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });

it('remembers the device when asked, skips the second step next time, and forgets it', async () => {
  const { admin, member, orgId } = await newOrg();
  await allowDevices(await accessToken(admin), 30);
  await policyChangeSettles(orgId);
  const secret = await enrolTotp(await accessToken(member));
  const { context, page } = await pages.open();

  await signIn(page, member);
  await waitForStatus(page, /One more step/);
  const remember = page.getByLabel('Remember this device for 30 days');
  expect(await remember.isVisible()).toBe(true);
  expect(await remember.isChecked()).toBe(false);
  await remember.check();
  await screenshot(page, 'device-remember-offered');
  await expectNoAxeViolations(page, 'second factor with remember this device');
  await page.getByLabel('Code', { exact: true }).fill(await nextTotpCode(secret));
  const answered = page.waitForResponse((response) => response.url().endsWith('/2fa/authenticate'));
  await page.getByRole('button', { name: 'Verify' }).click();
  await waitForStatus(page, /You are signed in/);
  expect(await pageTokenClaims(page)).toMatchObject({ aal: 2, amr: ['pwd', 'otp'] });

  // The token is in an HttpOnly cookie the page's script cannot read, and not in the JSON it gets.
  const body = (await (await answered).json()) as Record<string, unknown>;
  expect(body).toMatchObject({ deviceId: expect.any(String) });
  expect(body).not.toHaveProperty('deviceToken');
  const cookies = await context.cookies();
  expect(cookies).toEqual([
    expect.objectContaining({ name: '__Host-device', path: '/', httpOnly: true, secure: true, sameSite: 'Strict', expires: expect.any(Number) }),
  ]);
  expect(await page.evaluate(() => document.cookie)).toBe('');
  const row = page.locator('#devices-list li');
  expect(await row.count()).toBe(1);
  expect(await row.innerText()).toContain('(this browser)');
  await screenshot(page, 'device-remembered');
  await expectNoAxeViolations(page, 'account with a remembered device');

  await signOut(page);
  await signIn(page, member);
  await waitForStatus(page, /You are signed in/);
  expect(await pageTokenClaims(page)).toMatchObject({ aal: 1, amr: ['pwd', 'dev'] });
  expect(await page.locator('#devices-list li').innerText()).toMatch(/last used/);

  await page.getByRole('button', { name: /^Forget this browser/ }).click();
  await waitForStatus(page, /forgotten/);
  expect(await page.locator('#devices-list li').count()).toBe(0);
  expect(await page.locator('#devices-empty').isVisible()).toBe(true);
  expect(await context.cookies()).toEqual([]);
  await screenshot(page, 'device-forgotten');

  await signOut(page);
  await signIn(page, member);
  await waitForStatus(page, /One more step/);
});

it('offers no checkbox where the org does not allow remembering devices', async () => {
  const { member } = await newOrg();
  await enrolTotp(await accessToken(member));
  const { page } = await pages.open();
  await signIn(page, member);
  await waitForStatus(page, /One more step/);
  expect(await page.locator('#remember-device-field').isHidden()).toBe(true);
});
