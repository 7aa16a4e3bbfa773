/**
 * Security notifications: each audit event that calls for one becomes one email to the user, made
 * from the security event the pipe (and the local follower) builds of the audit item and handed to
 * the notifier function's handler, as the EventBridge rule hands it in AWS. Never inside the change's
 * request; the org's switch; a failed send that leaves the change alone and is retried; a repeated
 * delivery that sends nothing more; the user's language.
 */
import { auditPut } from '../../shared/audit/events';
import { setEmailSender, type EmailMessage } from '../../shared/adapters/email-sender';
import { userStore } from '../../shared/identity/user-store';
import { transactWrite } from '../../shared/store/transact';
import { testClock } from '../support/clock';
import { emailsTo, lastEmail } from '../support/email';
import { accessToken, login, newOrg, newUser, policyChangeSettles } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { forgot } from '../support/links';
import { deliverLatest, securityEventsOf } from '../support/notices';
import { handler } from '../../functions/events/security-notification';
import { enrolTotp, loginWithTotp, totpCode } from '../support/two-factor';

let clock: ReturnType<typeof testClock>;
beforeEach(() => {
  clock = testClock();
});
afterEach(() => clock.restore());

const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:130.0) Gecko/20100101 Firefox/130.0';
const PAGE = 'http://localhost:3000/';

/** The one new email to the address since `before` messages. */
async function onlyNewEmail(address: string, before: number): Promise<EmailMessage> {
  const mails = await emailsTo(address);
  expect(mails).toHaveLength(before + 1);
  return mails.at(-1)!;
}

/** What every notice says besides what happened: when (readable and UTC), from where, what to do. */
function expectWhenWhereWhat(mail: EmailMessage, at: string) {
  expect(mail.text).toContain(`(${at.slice(0, 19).replace('T', ' ')} UTC)`);
  expect(mail.text).toMatch(/When: \w+ \d+, \d{4}/);
  expect(mail.text).toMatch(/From: /);
  expect(mail.text).toContain(`Review your security settings: ${PAGE}`);
  expect(mail.html).toContain(`href="${PAGE}"`);
}

describe('a notice per security event', () => {
  it('a factor added, recovery codes generated and used, 2FA turned off: one email each, after the request', async () => {
    const { orgId, member } = await newOrg();
    const secret = await enrolTotp(await accessToken(member));
    // The request sent nothing: the notice comes from the audit event.
    expect(await emailsTo(member.email)).toHaveLength(0);
    const added = await deliverLatest(orgId, 'factor.verified');
    expect(added.outcome).toBe('sent');
    const addedMail = await onlyNewEmail(member.email, 0);
    expect(addedMail.subject).toBe('A second factor was added to your TwoFactor account');
    expect(addedMail.text).toContain('A second factor (authenticator app) was added');
    expectWhenWhereWhat(addedMail, added.event.detail.time);

    clock.nextStep();
    const { accessToken: strong } = await loginWithTotp(member, secret);
    const codes = (await invoke('POST /api/two-factor/recovery-codes', { token: strong, body: {} })).body.data.codes as string[];
    expect((await deliverLatest(orgId, 'recovery.generated')).outcome).toBe('sent');
    expect((await onlyNewEmail(member.email, 1)).subject).toBe('New recovery codes for your TwoFactor account');

    const pending = (await login(member)).pendingToken!;
    expect((await invoke('POST /2fa/authenticate', { token: pending, body: { code: codes[0] } })).status).toBe(200);
    expect((await deliverLatest(orgId, 'recovery.used')).outcome).toBe('sent');
    expect((await onlyNewEmail(member.email, 2)).subject).toBe('A recovery code was used to sign in to TwoFactor');

    clock.nextStep();
    const disabled = await invoke('POST /2fa/disable-two-factor-auth', { token: strong, body: { code: await totpCode(secret) } });
    expect(disabled.status).toBe(200);
    expect((await deliverLatest(orgId, 'factor.removed')).outcome).toBe('sent');
    const disabledMail = await onlyNewEmail(member.email, 3);
    expect(disabledMail.subject).toBe('Two-factor authentication was turned off for your TwoFactor account');
  });

  it('an admin reset of the user’s 2FA', async () => {
    const { orgId, admin, member } = await newOrg();
    await enrolTotp(await accessToken(member));
    const before = (await emailsTo(member.email)).length;
    expect((await invoke('POST /api/users/{id}/two-factor/reset', { token: await accessToken(admin), params: { id: member.userId } })).status).toBe(204);
    expect((await deliverLatest(orgId, 'factor.reset_by_admin')).outcome).toBe('sent');
    expect((await onlyNewEmail(member.email, before)).subject).toBe('An administrator reset two-factor authentication on your TwoFactor account');
    // The admin is not told about their own action on someone else.
    expect(await emailsTo(admin.email)).toHaveLength(0);
  });

  it('a password change (not inside the request), in the language stored from its Accept-Language', async () => {
    const { orgId, member } = await newOrg();
    const token = await accessToken(member);
    const changed = await invoke('POST /api/auth/password', {
      token,
      body: { currentPassword: member.password, newPassword: 'a quiet harbour at dawn' },
      headers: { 'accept-language': 'da-DK,da;q=0.9,en;q=0.5', 'user-agent': FIREFOX },
      sourceIp: '198.51.100.23',
    });
    expect(changed.status).toBe(204);
    expect(await emailsTo(member.email)).toHaveLength(0);
    expect((await userStore.get(member.userId))?.language).toBe('da');

    const { outcome, event } = await deliverLatest(orgId, 'password.changed');
    expect(outcome).toBe('sent');
    const mail = await onlyNewEmail(member.email, 0);
    expect(mail.subject).toBe('Din adgangskode til TwoFactor er ændret');
    expect(mail.text).toContain(`(${event.detail.time.slice(0, 19).replace('T', ' ')} UTC)`);
    expect(mail.text).toContain('Fra: 198.51.100.23, Firefox on Windows.');
    expect(mail.text).toContain(`Se dine sikkerhedsindstillinger: ${PAGE}`);
    expect(mail.html).toContain('<html lang="da">');
  });

  it('a password reset through the emailed link', async () => {
    const { orgId, member } = await newOrg();
    const token = await forgot(member.email);
    const before = (await emailsTo(member.email)).length;
    expect((await invoke('POST /api/auth/password/reset', { body: { token, password: 'a quiet harbour at dawn' } })).status).toBe(204);
    expect((await deliverLatest(orgId, 'password.reset')).outcome).toBe('sent');
    const mail = await onlyNewEmail(member.email, before);
    expect(mail.subject).toBe('Your TwoFactor password was reset');
    expect(mail.html).toContain('<html lang="en">');
  });

  it('an impersonation, told to the user in their org; the support org’s copy of the event tells no one', async () => {
    const { orgId, name, member } = await newOrg();
    const support = await newUser(`Support desk ${name}`, 'support');
    const secret = await enrolTotp(await accessToken(support));
    clock.nextStep();
    const { accessToken: supportToken } = await loginWithTotp(support, secret);
    clock.nextStep();
    const started = await invoke('POST /2fa/impersonate', {
      token: supportToken,
      body: { userId: member.userId, teamId: orgId, code: await totpCode(secret) },
      headers: { 'user-agent': 'support-console/1.0' },
    });
    expect(started.status).toBe(200);
    expect((await deliverLatest(orgId, 'impersonation.started')).outcome).toBe('sent');
    const mail = await onlyNewEmail(member.email, 0);
    expect(mail.subject).toBe('Support signed in to your TwoFactor account');
    expect(mail.text).toContain('support-console/1.0');
    expect((await deliverLatest(support.orgId, 'impersonation.started')).outcome).toBe('no_recipient');
    expect(await emailsTo(member.email)).toHaveLength(1);
    expect(await emailsTo(support.email)).toHaveLength(0);
  });

  it.each([
    ['factor.removed', { method: 'webauthn', name: 'YubiKey' }, 'A second factor was removed from your TwoFactor account', 'security key or passkey'],
    ['device.remembered', { deviceId: 'd-1', expiresAt: '2027-01-01T00:00:00.000Z', userAgent: 'Firefox on Windows' }, 'New sign-in to your TwoFactor account', 'from a device it had not seen'],
  ] as const)('%s (an audit event as its branch writes it)', async (action, details, subject, says) => {
    const { orgId, member } = await newOrg();
    const principal = { userId: member.userId, orgId, role: 'member' };
    await transactWrite([auditPut({ orgId, action, actor: { principal, sourceIp: '203.0.113.9', userAgent: FIREFOX }, targetUserId: member.userId, details })]);
    const { outcome, event } = await deliverLatest(orgId, action);
    expect(outcome).toBe('sent');
    const mail = await onlyNewEmail(member.email, 0);
    expect(mail.subject).toBe(subject);
    expect(mail.text).toContain(says);
    expect(mail.text).toContain('From: 203.0.113.9, Firefox on Windows.');
    expectWhenWhereWhat(mail, event.detail.time);
  });

  it('an audit event that calls for no notice sends nothing', async () => {
    const { orgId, member } = await newOrg();
    await login(member);
    expect((await deliverLatest(orgId, 'login.password')).outcome).toBe('no_notice');
    expect(await emailsTo(member.email)).toHaveLength(0);
  });
});

describe('delivery', () => {
  it('the org switch off: no email; on again: emails again', async () => {
    const { orgId, admin, member } = await newOrg();
    const adminToken = await accessToken(admin);
    expect((await invoke('PATCH /api/settings/twofactor', { token: adminToken, body: { notifications: false } })).status).toBe(204);
    expect((await invoke('GET /api/settings/twofactor', { token: adminToken })).body.data).toMatchObject({ notifications: false });
    await policyChangeSettles(orgId);
    await enrolTotp(await accessToken(member));
    expect((await deliverLatest(orgId, 'factor.verified')).outcome).toBe('switched_off');
    expect(await emailsTo(member.email)).toHaveLength(0);

    expect((await invoke('PATCH /api/settings/twofactor', { token: adminToken, body: { notifications: true } })).status).toBe(204);
    await policyChangeSettles(orgId);
    expect((await deliverLatest(orgId, 'factor.verified')).outcome).toBe('sent');
    expect(await emailsTo(member.email)).toHaveLength(1);
  });

  it('refuses a switch that is not a boolean', async () => {
    const { admin } = await newOrg();
    const response = await invoke('PATCH /api/settings/twofactor', { token: await accessToken(admin), body: { notifications: 'no' } });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain('notifications');
  });

  it('SES failing: the change is committed anyway; the delivery fails (a retry), and the retry sends the one email', async () => {
    const { orgId, member } = await newOrg();
    const secret = await enrolTotp(await accessToken(member));
    const [event] = await securityEventsOf(orgId, 'factor.verified');
    setEmailSender({ send: () => Promise.reject(Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailableException' })) });
    try {
      await expect(handler(event!)).rejects.toThrow('Service unavailable');
    } finally {
      setEmailSender(undefined);
    }
    // The factor works: the change never depended on the email.
    clock.nextStep();
    expect((await loginWithTotp(member, secret)).accessToken).toEqual(expect.any(String));
    expect(await emailsTo(member.email)).toHaveLength(0);
    expect(await handler(event!)).toEqual({ outcome: 'sent' });
    expect(await emailsTo(member.email)).toHaveLength(1);
  });

  it('one event delivered twice, also at once: one email', async () => {
    const { orgId, member } = await newOrg();
    await enrolTotp(await accessToken(member));
    const [event] = await securityEventsOf(orgId, 'factor.verified');
    const outcomes = await Promise.all([handler(event!), handler(event!)]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['duplicate', 'sent']);
    expect(await handler(event!)).toEqual({ outcome: 'duplicate' });
    expect(await emailsTo(member.email)).toHaveLength(1);
  });

  it('a deactivated user is not written to', async () => {
    const { orgId, admin, member } = await newOrg();
    await enrolTotp(await accessToken(member));
    expect((await invoke('POST /api/users/{id}/deactivate', { token: await accessToken(admin), params: { id: member.userId } })).status).toBeLessThan(300);
    expect((await deliverLatest(orgId, 'factor.verified')).outcome).toBe('no_recipient');
    expect(await emailsTo(member.email)).toHaveLength(0);
  });

  it('refuses what is not a security event', async () => {
    await expect(handler({ source: 'aws.events', detail: {} } as never)).rejects.toThrow(/Not a security event/);
    const { orgId, member } = await newOrg();
    await enrolTotp(await accessToken(member));
    const [event] = await securityEventsOf(orgId, 'factor.verified');
    await expect(handler({ ...event!, detail: { ...event!.detail, version: 2 as never } })).rejects.toThrow(/version 2/);
    expect(await lastEmail(member.email)).toBeUndefined();
  });
});
