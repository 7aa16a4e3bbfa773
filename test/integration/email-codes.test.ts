/** Email codes as a second factor, through the email outbox: enrolment, login, expiry, reuse, races, lockout, limits, policy, the admin rule. */
import { GetCommand } from '../../shared/store/commands';
import { decodeJwt } from 'jose';
import { SesEmailSender, setEmailSender } from '../../shared/adapters/email-sender';
import { sesDouble } from '../support/aws-double';
import { resetConfig } from '../../shared/config';
import { loadAccount } from '../../shared/factors/account';
import { email } from '../../shared/factors/email/strategy';
import { forgetCachedPolicy } from '../../shared/policy/policy';
import { db, tableName } from '../../shared/store/client';
import { keys } from '../../shared/store/keys';
import { storedAuditEvents } from '../support/audit';
import { testClock } from '../support/clock';
import { emailsTo, lastEmail, lastEmailCode } from '../support/email';
import { accessToken, login, newOrg, newUser, uniqueEmail, type TestOrg } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { forgot } from '../support/links';
import { SoftAuthenticator } from '../support/soft-authenticator';
import { enrolTotp, secretOf, totpCode } from '../support/two-factor';

interface StoredEvent {
  action: string;
  targetUserId?: number;
  details?: Record<string, unknown>;
}
const auditEvents = async (orgId: number) => (await storedAuditEvents(orgId)) as unknown as StoredEvent[];

let clock: ReturnType<typeof testClock>;
beforeEach(() => {
  clock = testClock();
});
afterEach(() => clock.restore());

type User = TestOrg['member'];

async function allowEmail(org: TestOrg, adminToken?: string) {
  const token = adminToken ?? (await accessToken(org.admin));
  expect((await invoke('POST /api/settings/twofactor/{method}', { token, params: { method: 'email' } })).status).toBe(204);
  forgetCachedPolicy(org.orgId);
  return token;
}

const enrol = (token: string, body: Record<string, unknown> = {}, headers?: Record<string, string>) =>
  invoke('POST /api/two-factor/email', { token, body, headers });
const send = (token: string) => invoke('POST /api/two-factor/email/send', { token });
const verify = (token: string, key: string) => invoke('POST /api/two-factor/verify', { token, body: { key } });
const authenticate = (token: string, code: string) => invoke('POST /2fa/authenticate', { token, body: { code } });
const wrongFor = (code: string) => (code === '000000' ? '111111' : '000000');

/** A user of an org allowing email codes, with a verified email factor on its own address; the clock past the send interval. */
async function enrolled(org?: TestOrg, user?: User) {
  const o = org ?? (await newOrg());
  if (!org) await allowEmail(o);
  const u = user ?? o.member;
  const token = await accessToken(u);
  expect((await enrol(token)).status).toBe(200);
  expect((await verify(token, (await lastEmailCode(u.email))!)).status).toBe(204);
  clock.advance(31);
  return { ...o, user: u, token };
}

/** Password, an emailed code, the code: aal 2 tokens. */
async function loginWithEmail(user: User) {
  const pending = (await login(user)).pendingToken!;
  expect((await send(pending)).status).toBe(200);
  clock.advance(31);
  return authenticate(pending, (await lastEmailCode(user.email))!);
}

describe('enrolment', () => {
  it('sends a code to the account’s own address; the code enrols the factor, audited with method email', async () => {
    const org = await newOrg();
    await allowEmail(org);
    const token = await accessToken(org.member);
    const sent = await enrol(token);
    expect(sent).toMatchObject({ status: 200, body: { sentTo: `${org.member.email[0]}•••@example.test`, expiresIn: 600 } });
    const mail = (await lastEmail(org.member.email))!;
    expect(mail.subject).toBe('Confirm this address for TwoFactor sign-in codes');
    const code = (await lastEmailCode(org.member.email))!;
    expect(mail.text).toContain(`Enter ${code} to receive your TwoFactor sign-in codes at this address. The code expires in 10 minutes`);
    expect((await invoke('GET /api/two-factor', { token })).body.data).toMatchObject({ method: 'email', verified: false, methods: [] });
    expect((await verify(token, code)).status).toBe(204);
    expect((await invoke('GET /api/two-factor', { token })).body.data).toMatchObject({ method: 'email', verified: true, methods: ['email'] });
    const events = await auditEvents(org.orgId);
    expect(events.filter((e) => e.targetUserId === org.member.userId).map((e) => [e.action, e.details?.method ?? e.details?.purpose])).toEqual(
      expect.arrayContaining([
        ['factor.enrolled', 'email'],
        ['email_code.sent', 'enrolment'],
        ['factor.verified', 'email'],
      ]),
    );
  });

  it('with an authenticator app and email both waiting for their first code, each code verifies its own factor', async () => {
    const org = await newOrg();
    await allowEmail(org);
    const token = await accessToken(org.member);
    const secret = secretOf((await invoke('GET /2fa/generate-qr', { token })).body.link);
    expect((await enrol(token)).status).toBe(200);
    expect((await verify(token, (await lastEmailCode(org.member.email))!)).status).toBe(204);
    expect((await invoke('GET /api/two-factor', { token })).body.data.methods).toEqual(['email']);
    expect((await verify(token, await totpCode(secret))).status).toBe(204);
    // The Ziik dialect names the authenticator app 'google'.
    expect((await invoke('GET /api/two-factor', { token })).body.data.methods.sort()).toEqual(['email', 'google']);
  });

  it('with both waiting, a wrong code verifies neither and counts one failure', async () => {
    const org = await newOrg();
    await allowEmail(org);
    const token = await accessToken(org.member);
    await invoke('GET /2fa/generate-qr', { token });
    expect((await enrol(token)).status).toBe(200);
    const code = (await lastEmailCode(org.member.email))!;
    expect((await verify(token, wrongFor(code))).status).toBe(422);
    expect((await invoke('GET /api/two-factor', { token })).body.data.methods).toEqual([]);
    expect((await loadAccount(org.member.userId))!.mfa.failures).toBe(1);
  });

  it('verifies another address the same way, in the reader’s language; the account’s email gets nothing', async () => {
    const org = await newOrg();
    await allowEmail(org);
    const token = await accessToken(org.member);
    const other = uniqueEmail('private');
    expect((await enrol(token, { email: `  ${other.toUpperCase()} ` }, { 'accept-language': 'da-DK,da;q=0.9' })).status).toBe(200);
    expect((await lastEmail(other))!.subject).toBe('Bekræft denne adresse til koder fra TwoFactor');
    expect(await emailsTo(org.member.email)).toHaveLength(0);
    expect((await verify(token, (await lastEmailCode(other))!)).status).toBe(204);
    clock.advance(31);
    const pending = (await login(org.member)).pendingToken!;
    expect((await send(pending)).body.sentTo).toBe(`${other[0]}•••@example.test`);
    expect((await lastEmail(other))!.subject).toBe('Your TwoFactor sign-in code');
  });

  it('stores the address sealed and the code only as a keyed hash', async () => {
    const org = await newOrg();
    await allowEmail(org);
    const token = await accessToken(org.member);
    const other = uniqueEmail('sealed');
    await enrol(token, { email: other });
    const code = (await lastEmailCode(other))!;
    const factor = (await db().send(new GetCommand({ TableName: tableName(), Key: keys.factor(org.member.userId, 'EMAIL') }))).Item!;
    const stored = (await db().send(new GetCommand({ TableName: tableName(), Key: keys.emailCode(org.member.userId) }))).Item!;
    expect(JSON.stringify(factor)).not.toContain(other);
    expect(JSON.stringify(stored)).not.toContain(code);
    expect(stored).toMatchObject({ attempts: 0, codeHash: expect.any(String) });
  });

  it('replacing a verified address needs a recent second factor or a current code', async () => {
    const { user, orgId, admin } = await enrolled();
    await invoke('PATCH /api/settings/twofactor', { token: await accessToken(admin), body: { checkLifetimeSeconds: 60 } });
    forgetCachedPolicy(orgId);
    const pendingLogin = await loginWithEmail(user);
    expect(pendingLogin.status).toBe(200);
    clock.advance(120); // the aal 2 session is no longer recent (the org counts 60 s as recent)
    const stale = pendingLogin.body.accessToken as string;
    expect(await enrol(stale, { email: uniqueEmail('thief') })).toMatchObject({ status: 403, body: { code: 'recent_auth_required' } });
  });
});

describe('login', () => {
  it('password, then a code emailed with the pending token: aal 2, amr ["pwd","email"], audited', async () => {
    const { user, orgId } = await enrolled();
    const pending = await login(user);
    expect(pending).toMatchObject({ twoFactorRequired: true, methods: ['email'] });
    const response = await loginWithEmail(user);
    expect(response.status).toBe(200);
    expect(decodeJwt(response.body.accessToken)).toMatchObject({ aal: 2, amr: ['pwd', 'email'] });
    const events = await auditEvents(orgId);
    expect(events.some((e) => e.action === 'email_code.sent' && e.details?.purpose === 'login')).toBe(true);
    expect(events.some((e) => e.action === 'login.two_factor' && e.details?.method === 'email')).toBe(true);
  });

  it('a code works once: a second login with it is refused', async () => {
    const { user } = await enrolled();
    expect((await loginWithEmail(user)).status).toBe(200);
    const code = (await lastEmailCode(user.email))!;
    const again = (await login(user)).pendingToken!;
    expect(await authenticate(again, code)).toMatchObject({ status: 422, body: { code: 'invalid_code' } });
  });

  it('a code expires after 10 minutes', async () => {
    const { user } = await enrolled();
    await send((await login(user)).pendingToken!);
    clock.advance(601); // a pending token lives 5 minutes: a new login presents the old code
    expect(await authenticate((await login(user)).pendingToken!, (await lastEmailCode(user.email))!)).toMatchObject({
      status: 422,
      body: { code: 'invalid_code' },
    });
  });

  it('20 parallel verifications of one valid code: exactly one gets tokens', async () => {
    const { user } = await enrolled();
    const pendings: string[] = [];
    for (let i = 0; i < 20; i++) pendings.push((await login(user)).pendingToken!);
    expect((await send(pendings[0]!)).status).toBe(200);
    const code = (await lastEmailCode(user.email))!;
    const results = await Promise.all(pendings.map((token) => authenticate(token, code)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.every((s) => s === 200 || s === 422 || s === 429)).toBe(true);
  });

  it('wrong codes: the code dies at its fifth wrong try, and the user’s second-factor step locks like any factor', async () => {
    const { user, orgId } = await enrolled();
    const pending = (await login(user)).pendingToken!;
    await send(pending);
    const code = (await lastEmailCode(user.email))!;
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await authenticate(pending, wrongFor(code))).status);
    expect(statuses).toEqual([422, 422, 422, 422, 429]);
    const item = await db().send(new GetCommand({ TableName: tableName(), Key: keys.emailCode(user.userId), ConsistentRead: true }));
    expect(item.Item).toMatchObject({ attempts: 5 });
    const locked = await authenticate(pending, code);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['Retry-After'])).toBeGreaterThan(0);
    // The right code no longer matches, whatever the lockout says.
    expect(await email.check((await loadAccount(user.userId))!, { code }, clock.now(), {})).toBeUndefined();
    expect((await auditEvents(orgId)).some((e) => e.action === 'mfa.locked_out' && e.targetUserId === user.userId)).toBe(true);
  });

  it('a resend replaces the code', async () => {
    const { user } = await enrolled();
    const pending = (await login(user)).pendingToken!;
    await send(pending);
    const first = (await lastEmailCode(user.email))!;
    clock.advance(31);
    await send(pending);
    const second = (await lastEmailCode(user.email))!;
    if (first !== second) expect((await authenticate(pending, first)).status).toBe(422);
    expect((await authenticate((await login(user)).pendingToken!, second)).status).toBe(200);
  });

  it('a step-up (recent second factor) accepts an emailed code sent with a full token', async () => {
    const { user, token } = await enrolled();
    const other = uniqueEmail('new');
    expect((await send(token)).status).toBe(200);
    clock.advance(31);
    const response = await enrol(token, { email: other, code: (await lastEmailCode(user.email))! });
    expect(response.status).toBe(200);
    expect(await lastEmailCode(other)).toMatch(/^\d{6}$/);
  });
});

describe('removing the factor', () => {
  it('needs a recent second factor or a code, and leaves no email method behind', async () => {
    const { user, orgId, token } = await enrolled();
    forgetCachedPolicy(orgId);
    expect(await invoke('DELETE /api/two-factor/email', { token, body: {} })).toMatchObject({ status: 403, body: { code: 'recent_auth_required' } });
    const fresh = (await loginWithEmail(user)).body.accessToken as string;
    expect((await invoke('DELETE /api/two-factor/email', { token: fresh, body: {} })).status).toBe(204);
    expect((await invoke('GET /api/two-factor', { token: fresh })).body.data).toMatchObject({ methods: [] });
    expect(await invoke('DELETE /api/two-factor/email', { token: fresh, body: {} })).toMatchObject({ status: 404 });
    expect((await login(user)).accessToken).toBeDefined(); // nothing left: password only
    expect((await auditEvents(orgId)).some((e) => e.action === 'factor.removed' && e.details?.method === 'email')).toBe(true);
  });
});

describe('policy', () => {
  it('is off by default: enrol and send answer 409', async () => {
    const org = await newOrg();
    const token = await accessToken(org.member);
    expect(await enrol(token)).toMatchObject({ status: 409, body: { code: 'method_not_allowed_by_policy' } });
    expect(await send(token)).toMatchObject({ status: 409 });
    expect((await invoke('GET /api/settings/twofactor', { token: await accessToken(org.admin) })).body.data.methods).not.toContain('email');
  });

  it('turned off after enrolment: login no longer offers or accepts email codes', async () => {
    const { user, orgId, admin } = await enrolled();
    const pending = (await login(user)).pendingToken!;
    await send(pending);
    const code = (await lastEmailCode(user.email))!;
    expect((await invoke('DELETE /api/settings/twofactor/{method}', { token: await accessToken(admin), params: { method: 'email' } })).status).toBe(204);
    forgetCachedPolicy(orgId);
    expect(await authenticate(pending, code)).toMatchObject({ status: 422 });
    expect((await login(user)).accessToken).toBeDefined(); // no usable factor left
  });

  it('is the same switch in the Ziik and Zitadel dialects', async () => {
    const org = await newOrg();
    const token = await accessToken(org.admin);
    await allowEmail(org, token);
    expect((await invoke('GET /api/settings/twofactor', { token })).body.data.methods).toContain('email');
    const zitadel = await invoke('POST /management/v1/policies/login/second_factors/_search', { token, body: {} });
    expect(JSON.stringify(zitadel.body)).toContain('SECOND_FACTOR_TYPE_OTP_EMAIL');
    expect((await invoke('DELETE /management/v1/policies/login/second_factors/{type}', { token, params: { type: 'SECOND_FACTOR_TYPE_OTP_EMAIL' } })).status).toBe(200);
    forgetCachedPolicy(org.orgId);
    expect((await invoke('GET /api/settings/twofactor', { token })).body.data.methods).not.toContain('email');
  });
});

describe('admins and support staff never rely on email codes alone while 2FA is forced', () => {
  async function forcedOrgWithEmailAdmin() {
    const org = await newOrg();
    const adminToken = await allowEmail(org);
    await enrolled(org, org.admin);
    expect((await invoke('POST /api/settings/twofactor/force', { token: adminToken })).status).toBe(204);
    forgetCachedPolicy(org.orgId);
    return { ...org, adminToken };
  }

  it('an admin with email codes only is not enrolled: login asks for a stronger factor, and email codes do not sign in', async () => {
    const org = await forcedOrgWithEmailAdmin();
    const answer = await login(org.admin);
    expect(answer).toMatchObject({ twoFactorRequired: true, twoFactorSetupRequired: true, methods: [] });
    const pending = answer.pendingToken!;
    expect(await send(pending)).toMatchObject({ status: 409, body: { code: 'method_not_allowed_by_policy' } });
    // A code sent before the org forced 2FA does not sign in either.
    expect(await authenticate(pending, '123456')).toMatchObject({ status: 422 });
    // The pending token may enrol an authenticator app, which finishes the login.
    const secret = await enrolTotp(pending);
    clock.nextStep();
    const second = (await login(org.admin)).pendingToken!;
    const tokens = await authenticate(second, await totpCode(secret));
    expect(decodeJwt(tokens.body.accessToken)).toMatchObject({ aal: 2, amr: ['pwd', 'otp'] });
    // With a strong factor beside it, email counts again.
    clock.advance(31);
    expect((await login(org.admin)).methods).toEqual(expect.arrayContaining(['totp', 'email']));
  });

  it('a member with email codes only signs in with them under forced 2FA', async () => {
    const org = await newOrg();
    const adminToken = await allowEmail(org);
    await enrolled(org, org.member);
    await invoke('POST /api/settings/twofactor/force', { token: adminToken });
    forgetCachedPolicy(org.orgId);
    expect((await login(org.member)).methods).toEqual(['email']);
    expect((await loginWithEmail(org.member)).status).toBe(200);
  });

  it('a support user with email codes only cannot impersonate', async () => {
    const org = await newOrg();
    const support = await newUser(`Support ${org.name}`, 'support');
    const supportOrg = { ...org, orgId: support.orgId, admin: support } as TestOrg;
    await allowEmail(supportOrg, await accessToken(support));
    const { token } = await enrolled(supportOrg, support);
    await invoke('POST /api/settings/twofactor/force', { token });
    forgetCachedPolicy(support.orgId);
    const answer = await login(support);
    expect(answer).toMatchObject({ twoFactorSetupRequired: true, methods: [] });
  });

  it('an admin cannot remove their last strong factor while forced, with email codes left', async () => {
    const org = await newOrg();
    const adminToken = await allowEmail(org);
    await enrolled(org, org.admin);
    const key = new SoftAuthenticator('http://localhost:3000');
    const options = await invoke('POST /api/two-factor/webauthn/register/options', { token: adminToken });
    const registered = await invoke('POST /api/two-factor/webauthn/register', { token: adminToken, body: { response: key.register(options.body), name: 'Desk key' } });
    expect(registered.status).toBe(201);
    expect((await invoke('POST /api/settings/twofactor/force', { token: adminToken })).status).toBe(204);
    forgetCachedPolicy(org.orgId);
    const fresh = (await loginWithEmail(org.admin)).body.accessToken as string;
    const removal = await invoke('DELETE /api/two-factor/webauthn/{id}', { token: fresh, params: { id: key.id }, body: {} });
    expect(removal).toMatchObject({ status: 409, body: { code: 'policy_requires_method' } });
    // Email can go: the key stays.
    expect((await invoke('DELETE /api/two-factor/email', { token: fresh, body: {} })).status).toBe(204);
  });
});

describe('sending limits answer 429 with Retry-After', () => {
  it('one send per 30 s per user', async () => {
    const org = await newOrg();
    await allowEmail(org);
    const token = await accessToken(org.member);
    expect((await enrol(token)).status).toBe(200);
    const again = await send(token);
    expect(again).toMatchObject({ status: 429, body: { code: 'too_many_requests' } });
    expect(Number(again.headers['Retry-After'])).toBeGreaterThan(0);
    expect(await emailsTo(org.member.email)).toHaveLength(1);
  });

  it('five sends per hour per user', async () => {
    clock = testClock(Math.floor(Date.now() / 3_600_000) * 3_600_000 + 60_000);
    const { user } = await enrolled(); // the enrolment send is the first
    const pending = (await login(user)).pendingToken!;
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await send(pending)).status);
      clock.advance(31);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
  });

  it('enrolment: five per hour to one address, across users (the mail budget every email shares)', async () => {
    clock = testClock(Math.floor(Date.now() / 3_600_000) * 3_600_000 + 60_000);
    const org = await newOrg();
    await allowEmail(org);
    const target = uniqueEmail('target');
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await enrol(await accessToken(await newUser(org.name)), { email: target })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(await emailsTo(target)).toHaveLength(5);
  });

  it('enrolment: an org-wide hourly budget', async () => {
    process.env.MAIL_MAX_PER_ORG_HOURLY = '2';
    resetConfig();
    try {
      clock = testClock(Math.floor(Date.now() / 3_600_000) * 3_600_000 + 60_000);
      const org = await newOrg();
      await allowEmail(org);
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await enrol(await accessToken(await newUser(org.name)))).status);
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      delete process.env.MAIL_MAX_PER_ORG_HOURLY;
      resetConfig();
    }
  });

  it('login sends to a verified address do not draw on the address’s mail budget: password-reset floods cannot block them', async () => {
    clock = testClock(Math.floor(Date.now() / 3_600_000) * 3_600_000 + 60_000);
    const { user } = await enrolled();
    for (let i = 0; i < 5; i++) await forgot(user.email); // spends the address's hourly mail budget (one went to the enrolment)
    expect((await loginWithEmail(user)).status).toBe(200);
  });
});

describe('hostile input', () => {
  it.each([
    [{ email: 'not an address' }, 'body.email'],
    [{ email: 'a@example.com\r\nBcc: x@example.com' }, 'body.email'],
    [{ email: `${'a'.repeat(250)}@example.com` }, 'body.email'],
    [{ email: 42 }, 'body.email'],
    [{ code: 123456 }, 'body.code'],
  ])('enrolment refuses %p with 400 naming %s', async (body, path) => {
    const org = await newOrg();
    await allowEmail(org);
    const response = await enrol(await accessToken(org.member), body);
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it('answers a JSON array body with 400, and non-digit or over-long codes at login as a wrong code (422)', async () => {
    const org = await newOrg();
    await allowEmail(org);
    const array = await invoke('POST /api/two-factor/email', { token: await accessToken(org.member), body: [] as unknown as Record<string, unknown> });
    expect(array.status).toBe(400);
    const { user } = await enrolled(org, await newUser(org.name));
    const pending = (await login(user)).pendingToken!;
    await send(pending);
    for (const code of ['12345a', '1234567', '１２３４５６', '__proto__']) {
      expect((await authenticate(pending, code)).status).toBe(422);
    }
  });

  it('a send without an email factor is 409; another user’s pending token cannot read or use this one’s code', async () => {
    const org = await newOrg();
    await allowEmail(org);
    expect(await send(await accessToken(org.member))).toMatchObject({ status: 409 });
    const { user } = await enrolled(org, await newUser(org.name));
    const victimPending = (await login(user)).pendingToken!;
    await send(victimPending);
    const code = (await lastEmailCode(user.email))!;
    const other = await enrolled(org, await newUser(org.name));
    const otherPending = (await login(other.user)).pendingToken!;
    expect((await authenticate(otherPending, code)).status).toBe(422);
    expect((await authenticate(victimPending, code)).status).toBe(200);
  });
});

describe('Amazon SES (answered at the wire) carries the code', () => {
  afterEach(() => setEmailSender(undefined));

  it('sends exactly one SendEmail request to the address, from the configured identity', async () => {
    const org = await newOrg();
    await allowEmail(org);
    const ses = sesDouble();
    ses.on('SendEmail', () => ({ MessageId: 'm-1' }));
    setEmailSender(new SesEmailSender(ses.client, { from: 'TwoFactor <no-reply@example.com>' }));
    const token = await accessToken(org.member);
    expect((await enrol(token)).status).toBe(200);
    const calls = ses.requests.map((r) => r.input);
    expect(calls).toHaveLength(1);
    const code = /\b(\d{6})\b/.exec(calls[0]!.Content!.Simple!.Body!.Text!.Data!)![1]!;
    const text = [
      `Enter ${code} to receive your TwoFactor sign-in codes at this address. The code expires in 10 minutes and works once.`,
      'If you did not ask for this, ignore this email: nothing changes without the code.',
    ].join('\n\n');
    expect(calls[0]).toEqual({
      FromEmailAddress: 'TwoFactor <no-reply@example.com>',
      Destination: { ToAddresses: [org.member.email] },
      Content: {
        Simple: {
          Subject: { Data: 'Confirm this address for TwoFactor sign-in codes', Charset: 'UTF-8' },
          Body: { Text: { Data: text, Charset: 'UTF-8' }, Html: { Data: expect.stringContaining(`<p>Enter ${code} to receive`), Charset: 'UTF-8' } },
        },
      },
    });
    expect((await verify(token, code)).status).toBe(204);
  });

  it('a rejected send answers 502 email_delivery_failed and leaves no usable code, nor a spent send', async () => {
    const org = await newOrg();
    await allowEmail(org);
    const ses = sesDouble();
    ses.on('SendEmail', () => ({ error: 'MessageRejected', message: 'Email address is not verified' }));
    setEmailSender(new SesEmailSender(ses.client, { from: 'no-reply@example.com' }));
    const token = await accessToken(org.member);
    expect(await enrol(token)).toMatchObject({ status: 502, body: { code: 'email_delivery_failed' } });
    expect(ses.requests).toHaveLength(1);
    const stored = await db().send(new GetCommand({ TableName: tableName(), Key: keys.emailCode(org.member.userId), ConsistentRead: true }));
    expect(stored.Item).toBeUndefined();
    ses.reset();
    ses.on('SendEmail', () => ({ MessageId: 'm-2' }));
    expect((await send(token)).status).toBe(200); // the failed send did not use the 30-second interval
  });
});
