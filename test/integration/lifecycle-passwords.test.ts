/**
 * Invitations, the own password change, and the password reset that respects the second factor:
 * each flow and its hostile inputs (reused, replaced and expired links, a reset without its factor,
 * a reset token used as a login token and the other way round, the forgot-password oracle).
 */
import { QueryCommand } from '../../shared/store/commands';
import * as s from '../../functions/response-schemas';
import { forgetCachedPolicy } from '../../shared/policy/policy';
import { db, tableName } from '../../shared/store/client';
import { testClock } from '../support/clock';
import { emailsTo } from '../support/email';
import { deliverLatest } from '../support/notices';
import { accessToken, login, newOrg, uniqueEmail } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { forgot, invite, linkToken } from '../support/links';
import { enrolTotp, loginWithTotp, totpCode } from '../support/two-factor';

let clock: ReturnType<typeof testClock>;
beforeEach(() => {
  clock = testClock();
});
afterEach(() => clock.restore());

const PASSWORD = 'correct horse battery staple';
const OTHER = 'a different long passphrase';

async function userItems(userId: number) {
  const result = await db().send(
    new QueryCommand({ TableName: tableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `USER#${userId}` }, ConsistentRead: true }),
  );
  return result.Items ?? [];
}

describe('invitations', () => {
  it('POST /api/users invites: 201 without a password, an emailed link, and no login until accepted', async () => {
    const { admin, orgId } = await newOrg();
    const email = uniqueEmail('invited');
    const response = await invoke('POST /api/users', { token: await accessToken(admin), body: { email }, headers: { 'accept-language': 'da' } });
    expect(response.status).toBe(201);
    expect(s.InvitedUserResponse.safeParse(response.body).success).toBe(true);
    expect(response.body).toMatchObject({ user: { email, orgId, status: 'invited' }, invitation: { emailSent: true } });
    expect(JSON.stringify(response.body)).not.toMatch(/password/i);
    const mails = await emailsTo(email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain('http://localhost:3000/?invitation=');
    // Stored: the token only as a keyed hash.
    const token = await linkToken(email, 'invitation');
    const items = JSON.stringify(await userItems(response.body.user.userId));
    expect(items).not.toContain(token.split('.')[1]);
    expect((await invoke('POST /api/auth/login', { body: { email, password: 'anything at all, really' } })).status).toBe(401);
  });

  it('a password in the create body is refused, not ignored', async () => {
    const { admin } = await newOrg();
    const response = await invoke('POST /api/users', { token: await accessToken(admin), body: { email: uniqueEmail(), password: 'x'.repeat(20) } });
    expect(response).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
  });

  it('accepting sets the password and answers like a login; the link is single use', async () => {
    const { admin } = await newOrg();
    const email = uniqueEmail('invited');
    const { token, user } = await invite(await accessToken(admin), email);
    const accepted = await invoke('POST /api/auth/invitation/accept', { body: { token, password: PASSWORD } });
    expect(accepted).toMatchObject({ status: 200, body: { accessToken: expect.any(String), isTwoFactorEnable: false } });
    expect(s.LoginResponse.safeParse(accepted.body).success).toBe(true);
    expect((await login({ email, password: PASSWORD })).accessToken).toBeDefined();
    const again = await invoke('POST /api/auth/invitation/accept', { body: { token, password: OTHER } });
    expect(again).toMatchObject({ status: 400, body: { code: 'invalid_link' } });
    const got = await invoke('GET /api/users/{id}', { token: await accessToken(admin), params: { id: user.userId } });
    expect(got.body.data.status).toBe('active');
  });

  it('a weak password is refused and the link still works', async () => {
    const { admin } = await newOrg();
    const { token } = await invite(await accessToken(admin), uniqueEmail('invited'));
    expect(await invoke('POST /api/auth/invitation/accept', { body: { token, password: 'password' } })).toMatchObject({ status: 400, body: { code: 'weak_password' } });
    expect((await invoke('POST /api/auth/invitation/accept', { body: { token, password: PASSWORD } })).status).toBe(200);
  });

  it('an expired invitation gets a clear 400', async () => {
    const { admin } = await newOrg();
    const { token } = await invite(await accessToken(admin), uniqueEmail('invited'));
    clock.advance(7 * 24 * 3600 + 1);
    const response = await invoke('POST /api/auth/invitation/accept', { body: { token, password: PASSWORD } });
    expect(response).toMatchObject({ status: 400, body: { code: 'invalid_link', detail: expect.stringContaining('expired') } });
  });

  it('malformed and forged tokens get 400, never 5xx', async () => {
    const { admin } = await newOrg();
    const { user } = await invite(await accessToken(admin), uniqueEmail('invited'));
    for (const token of ['', 'nonsense', `${user.userId}.${'A'.repeat(43)}`, `0.${'A'.repeat(43)}`, `99999999999.${'A'.repeat(43)}`, 'x'.repeat(500)]) {
      const response = await invoke('POST /api/auth/invitation/accept', { body: { token, password: PASSWORD } });
      expect(response.status).toBe(400);
    }
  });

  it('re-inviting sends a fresh link; the old one stops working; an accepted user cannot be re-invited', async () => {
    const { admin } = await newOrg();
    const adminToken = await accessToken(admin);
    const email = uniqueEmail('invited');
    const { token: first, user } = await invite(adminToken, email);
    const again = await invoke('POST /api/users/{id}/invitation', { token: adminToken, params: { id: user.userId } });
    expect(again).toMatchObject({ status: 200, body: { invitation: { emailSent: true } } });
    const second = await linkToken(email, 'invitation');
    expect(second).not.toBe(first);
    expect((await invoke('POST /api/auth/invitation/accept', { body: { token: first, password: PASSWORD } })).body.code).toBe('invalid_link');
    expect((await invoke('POST /api/auth/invitation/accept', { body: { token: second, password: PASSWORD } })).status).toBe(200);
    expect(await invoke('POST /api/users/{id}/invitation', { token: adminToken, params: { id: user.userId } })).toMatchObject({ status: 409 });
  });

  it('a member cannot re-invite; an admin of another org gets 404', async () => {
    const a = await newOrg();
    const b = await newOrg();
    const { user } = await invite(await accessToken(a.admin), uniqueEmail('invited'));
    expect((await invoke('POST /api/users/{id}/invitation', { token: await accessToken(a.member), params: { id: user.userId } })).status).toBe(403);
    expect((await invoke('POST /api/users/{id}/invitation', { token: await accessToken(b.admin), params: { id: user.userId } })).status).toBe(404);
  });

  it('where the org forces 2FA, accepting answers what login does: set-up required, no full tokens', async () => {
    const { admin, orgId } = await newOrg();
    const adminToken = await accessToken(admin);
    const { token } = await invite(adminToken, uniqueEmail('invited'));
    expect((await invoke('POST /api/settings/twofactor/force', { token: adminToken })).status).toBe(204);
    forgetCachedPolicy(orgId);
    clock.advance(5);
    const accepted = await invoke('POST /api/auth/invitation/accept', { body: { token, password: 'shortpass1' } });
    expect(accepted).toMatchObject({ status: 200, body: { twoFactorRequired: true, twoFactorSetupRequired: true, pendingToken: expect.any(String) } });
    expect(accepted.body.accessToken).toBeUndefined();
    expect(accepted.body.refreshToken).toBeUndefined();
  });
});

describe('own password change', () => {
  it('needs the current password; the current session continues, other sessions end; the user is told', async () => {
    const { member } = await newOrg();
    const current = await login(member);
    const other = await login(member);
    const wrong = await invoke('POST /api/auth/password', { token: current.accessToken, body: { currentPassword: 'not my password', newPassword: PASSWORD } });
    expect(wrong).toMatchObject({ status: 403, body: { code: 'invalid_credentials' } });

    const changed = await invoke('POST /api/auth/password', { token: current.accessToken, body: { currentPassword: member.password, newPassword: PASSWORD } });
    expect(changed.status).toBe(204);
    expect((await invoke('POST /api/auth/refresh', { body: { refreshToken: other.refreshToken } })).status).toBe(401);
    expect((await invoke('POST /api/auth/refresh', { body: { refreshToken: current.refreshToken } })).status).toBe(200);
    expect((await invoke('POST /api/auth/login', { body: { email: member.email, password: member.password } })).status).toBe(401);
    expect((await login({ email: member.email, password: PASSWORD })).accessToken).toBeDefined();
    // The user is told by the security notifier, from the audit event, not inside the request.
    expect(await emailsTo(member.email)).toHaveLength(0);
    expect((await deliverLatest(member.orgId, 'password.changed')).outcome).toBe('sent');
    expect((await emailsTo(member.email)).at(-1)?.subject).toMatch(/password/i);
  });

  it('refuses a weak new password (15 characters where the password is the only factor)', async () => {
    const { member } = await newOrg();
    const token = await accessToken(member);
    const response = await invoke('POST /api/auth/password', { token, body: { currentPassword: member.password, newPassword: 'fourteen chars' } });
    expect(response).toMatchObject({ status: 400, body: { code: 'weak_password' } });
  });

  it('with a second factor: a stale session needs a code; a recent second factor suffices', async () => {
    const { admin, member, orgId } = await newOrg();
    expect((await invoke('PATCH /api/settings/twofactor', { token: await accessToken(admin), body: { checkLifetimeSeconds: 60 } })).status).toBe(204);
    forgetCachedPolicy(orgId);
    const secret = await enrolTotp(await accessToken(member));
    clock.nextStep();
    const { accessToken: strong } = await loginWithTotp(member, secret);
    clock.advance(120);
    const stale = await invoke('POST /api/auth/password', { token: strong, body: { currentPassword: member.password, newPassword: 'short but ok 1' } });
    expect(stale).toMatchObject({ status: 403, body: { code: 'recent_auth_required' } });
    clock.nextStep();
    const withCode = await invoke('POST /api/auth/password', {
      token: strong,
      body: { currentPassword: member.password, newPassword: 'short but ok 1', code: await totpCode(secret) },
    });
    expect(withCode.status).toBe(204);
  });

  it('wrong current passwords are rate limited', async () => {
    const { member } = await newOrg();
    const token = await accessToken(member);
    const statuses = [];
    for (let i = 0; i < 11; i++) {
      statuses.push((await invoke('POST /api/auth/password', { token, body: { currentPassword: `wrong ${i}`, newPassword: PASSWORD } })).status);
    }
    expect(statuses.slice(0, 10).every((x) => x === 403)).toBe(true);
    expect(statuses[10]).toBe(429);
  });
});

describe('forgot and reset', () => {
  it('forgot answers 202 for known and unknown addresses alike; only the known one gets mail; no plaintext email in rate keys', async () => {
    const { member } = await newOrg();
    const unknown = uniqueEmail('nobody');
    const a = await invoke('POST /api/auth/password/forgot', { body: { email: member.email } });
    const b = await invoke('POST /api/auth/password/forgot', { body: { email: unknown } });
    expect(a.status).toBe(202);
    expect(b).toEqual({ ...a, headers: b.headers });
    expect(await emailsTo(unknown)).toHaveLength(0);
    expect((await emailsTo(member.email)).at(-1)?.text).toContain('?reset=');
    const rateItems = await db().send(
      new QueryCommand({ TableName: tableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `RATE#reset-email#${member.email}` } }),
    );
    expect(rateItems.Items).toHaveLength(0);
  });

  it('forgot is rate limited per address, known or not, and per source address', async () => {
    const unknown = uniqueEmail('nobody');
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await invoke('POST /api/auth/password/forgot', { body: { email: unknown } })).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
    const ip = `198.51.100.${Math.floor(Math.random() * 250)}`;
    const fromOne = [];
    for (let i = 0; i < 31; i++) fromOne.push((await invoke('POST /api/auth/password/forgot', { body: { email: uniqueEmail('n') }, sourceIp: ip })).status);
    expect(fromOne.at(-1)).toBe(429);
  });

  it('without a second factor: 204, the password set, every session ended, the link single use', async () => {
    const { member } = await newOrg();
    const session = await login(member);
    const token = await forgot(member.email);
    const reset = await invoke('POST /api/auth/password/reset', { body: { token, password: PASSWORD } });
    expect(reset.status).toBe(204);
    expect((await invoke('POST /api/auth/refresh', { body: { refreshToken: session.refreshToken } })).status).toBe(401);
    expect((await login({ email: member.email, password: PASSWORD })).accessToken).toBeDefined();
    expect(await invoke('POST /api/auth/password/reset', { body: { token, password: OTHER } })).toMatchObject({ status: 400, body: { code: 'invalid_link' } });
  });

  it('an expired reset link gets a clear 400; a newer link replaces the older', async () => {
    const { member } = await newOrg();
    const first = await forgot(member.email);
    const second = await forgot(member.email);
    expect((await invoke('POST /api/auth/password/reset', { body: { token: first, password: PASSWORD } })).body.code).toBe('invalid_link');
    clock.advance(30 * 60 + 1);
    const expired = await invoke('POST /api/auth/password/reset', { body: { token: second, password: PASSWORD } });
    expect(expired).toMatchObject({ status: 400, body: { code: 'invalid_link', detail: expect.stringContaining('expired') } });
  });

  it('an invitation token does not work as a reset token, nor the other way round', async () => {
    const { admin, member } = await newOrg();
    const { token: invitation } = await invite(await accessToken(admin), uniqueEmail('invited'));
    expect((await invoke('POST /api/auth/password/reset', { body: { token: invitation, password: PASSWORD } })).body.code).toBe('invalid_link');
    const reset = await forgot(member.email);
    expect((await invoke('POST /api/auth/invitation/accept', { body: { token: reset, password: PASSWORD } })).body.code).toBe('invalid_link');
  });

  describe('with a second factor', () => {
    async function memberWithTotp() {
      const org = await newOrg();
      const secret = await enrolTotp(await accessToken(org.member));
      clock.nextStep();
      const session = await loginWithTotp(org.member, secret);
      clock.nextStep();
      return { ...org, secret, session };
    }

    it('the password is set only after /2fa/authenticate with the reset token; every session ends', async () => {
      const { member, secret, session } = await memberWithTotp();
      const token = await forgot(member.email);
      const started = await invoke('POST /api/auth/password/reset', { body: { token, password: 'short but ok 1' } });
      expect(started).toMatchObject({ status: 200, body: { twoFactorRequired: true, methods: ['totp'] } });
      expect(s.ResetPendingResponse.safeParse(started.body).success).toBe(true);
      // Not yet: the old password still works, the new one does not.
      expect((await invoke('POST /api/auth/login', { body: { email: member.email, password: 'short but ok 1' } })).status).toBe(401);
      expect((await invoke('POST /api/auth/login', { body: { email: member.email, password: member.password } })).status).toBe(200);
      // Nothing of the new password in plaintext.
      expect(JSON.stringify(await userItems(member.userId))).not.toContain('short but ok 1');

      const finished = await invoke('POST /2fa/authenticate', { token: started.body.pendingToken, body: { code: await totpCode(secret) } });
      expect(finished).toMatchObject({ status: 200, body: { passwordReset: true } });
      expect(s.ResetFinishedResponse.safeParse(finished.body).success).toBe(true);
      expect((await invoke('POST /api/auth/refresh', { body: { refreshToken: session.refreshToken } })).status).toBe(401);
      expect((await invoke('POST /api/auth/login', { body: { email: member.email, password: 'short but ok 1' } })).status).toBe(200);
      clock.nextStep();
      expect((await invoke('POST /2fa/authenticate', { token: started.body.pendingToken, body: { code: await totpCode(secret) } })).status).toBe(401);
    });

    it('a wrong code sets nothing and counts as a failure', async () => {
      const { member, secret } = await memberWithTotp();
      const token = await forgot(member.email);
      const started = await invoke('POST /api/auth/password/reset', { body: { token, password: 'short but ok 1' } });
      const wrong = (await totpCode(secret)) === '000000' ? '111111' : '000000';
      expect(await invoke('POST /2fa/authenticate', { token: started.body.pendingToken, body: { code: wrong } })).toMatchObject({ status: 422, body: { code: 'invalid_code' } });
      expect((await invoke('POST /api/auth/login', { body: { email: member.email, password: 'short but ok 1' } })).status).toBe(401);
      expect((await userItems(member.userId)).find((i) => i.sk === 'MFA')?.failures).toBe(1);
    });

    it('a recovery code finishes the reset too', async () => {
      const { member, session } = await memberWithTotp();
      const codes = (await invoke('POST /api/two-factor/recovery-codes', { token: session.accessToken, body: {} })).body.data.codes as string[];
      const token = await forgot(member.email);
      const started = await invoke('POST /api/auth/password/reset', { body: { token, password: 'short but ok 1' } });
      const finished = await invoke('POST /2fa/authenticate', { token: started.body.pendingToken, body: { code: codes[0] } });
      expect(finished).toMatchObject({ status: 200, body: { passwordReset: true } });
      expect((await invoke('POST /api/auth/login', { body: { email: member.email, password: 'short but ok 1' } })).status).toBe(200);
    });

    it('a reset token is no login token (no enrolment, no tokens), and a login token finishes no reset', async () => {
      const { member, secret } = await memberWithTotp();
      const token = await forgot(member.email);
      const started = await invoke('POST /api/auth/password/reset', { body: { token, password: 'short but ok 1' } });
      const resetToken = started.body.pendingToken as string;
      expect(await invoke('GET /api/two-factor', { token: resetToken })).toMatchObject({ status: 403 });
      expect(await invoke('PATCH /api/two-factor', { token: resetToken, body: { method: 'google', secret_key: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' } })).toMatchObject({ status: 403 });
      expect(await invoke('GET /api/users/{id}', { token: resetToken, params: { id: member.userId } })).toMatchObject({ status: 403 });

      // A login's pending token at /2fa/authenticate logs in; it never sets the reset's password.
      const loginPending = (await login(member)).pendingToken!;
      const loggedIn = await invoke('POST /2fa/authenticate', { token: loginPending, body: { code: await totpCode(secret) } });
      expect(loggedIn.body.accessToken).toBeDefined();
      expect((await invoke('POST /api/auth/login', { body: { email: member.email, password: 'short but ok 1' } })).status).toBe(401);
    });

    it('a reset without the second factor never happens: the pending reset expires', async () => {
      const { member, secret } = await memberWithTotp();
      const token = await forgot(member.email);
      const started = await invoke('POST /api/auth/password/reset', { body: { token, password: 'short but ok 1' } });
      clock.advance(5 * 60 + 1);
      expect((await invoke('POST /2fa/authenticate', { token: started.body.pendingToken, body: { code: await totpCode(secret) } })).status).toBe(401);
      expect((await invoke('POST /api/auth/login', { body: { email: member.email, password: 'short but ok 1' } })).status).toBe(401);
    });
  });
});
