/**
 * Rolling out 2FA by role (issue 21 item 1): PATCH /api/settings/twofactor `roleRules`, what login
 * answers before, at and after each user's deadline, the enrolment report's deadlines and role
 * filter, hostile rule requests, and force/unforce beside the rules. Time moves with the test clock.
 */
import { decodeJwt } from 'jose';
import { testClock } from '../support/clock';
import { storedAuditEvents } from '../support/audit';
import { accessToken, newOrg, newUser, policyChangeSettles } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { enrolTotp, loginWithTotp, totpCode } from '../support/two-factor';

const DAY = 86_400;
let clock: ReturnType<typeof testClock>;
beforeEach(() => {
  clock = testClock();
});
afterEach(() => clock.restore());

/** An org (admin, member, and a support user of its own) and the admin's token; the clock is past every user's creation. */
async function scene() {
  const org = await newOrg();
  const support = await newUser(org.name, 'support');
  clock.advance(1);
  return { ...org, support, token: await accessToken(org.admin) };
}

async function setRules(token: string, orgId: number, body: unknown) {
  const response = await invoke('PATCH /api/settings/twofactor', { token, body });
  await policyChangeSettles(orgId);
  return response;
}

const signIn = (user: { email: string; password: string }) => invoke('POST /api/auth/login', { body: { email: user.email, password: user.password } });

/** What login answers: full tokens with the enrolment deadline, or a pending token that may only enrol. */
async function loginAnswer(user: { email: string; password: string }) {
  const { status, body } = await signIn(user);
  expect(status).toBe(200);
  if (body.pendingToken) {
    expect(decodeJwt(body.pendingToken)).toMatchObject({ scope: '2fa', aal: 1 });
    return { pending: true, twoFactorSetupRequired: body.twoFactorSetupRequired, methods: body.methods };
  }
  expect(body.refreshToken).toEqual(expect.any(String));
  return { pending: false, twoFactorSetupRequired: body.twoFactorSetupRequired, enrolBy: body.enrolBy };
}

const roleEvents = async (orgId: number) =>
  (await storedAuditEvents(orgId)).filter((e) => e.action === 'policy.role_rules_changed').sort((a, b) => String((a.details as { role: string }).role).localeCompare(String((b.details as { role: string }).role)));

describe('PATCH /api/settings/twofactor roleRules', () => {
  it('sets "admins now, everyone in 14 days" in one change: one sequence, one audited event per role', async () => {
    const { token, orgId, admin } = await scene();
    const response = await setRules(token, orgId, { roleRules: { admin: { required: true }, member: { required: true, graceDays: 14 }, support: { required: true, graceDays: 14 } } });
    expect(response).toMatchObject({ status: 204 });
    const setAt = clock.now().toISOString();
    const in14 = new Date(clock.now().getTime() + 14 * DAY * 1000).toISOString();

    const settings = (await invoke('GET /api/settings/twofactor', { token })).body.data;
    expect(settings).toMatchObject({
      force: false,
      sequence: 1,
      roleRules: {
        admin: { required: true, graceDays: 0, setAt },
        member: { required: true, graceDays: 14, setAt },
        support: { required: true, graceDays: 14, setAt },
      },
    });
    const events = await roleEvents(orgId);
    expect(events.map((e) => ({ details: e.details, policySequence: e.policySequence, actorId: e.actorId }))).toEqual([
      { details: { role: 'admin', required: true, deadline: setAt, graceDays: 0 }, policySequence: 1, actorId: admin.userId },
      { details: { role: 'member', required: true, deadline: in14, graceDays: 14 }, policySequence: 1, actorId: admin.userId },
      { details: { role: 'support', required: true, deadline: in14, graceDays: 14 }, policySequence: 1, actorId: admin.userId },
    ]);

    // The same request again changes nothing: no new sequence, no event, the grace period does not restart.
    clock.advance(60);
    expect((await setRules(token, orgId, { roleRules: { member: { required: true, graceDays: 14 } } })).status).toBe(204);
    expect((await invoke('GET /api/settings/twofactor', { token })).body.data).toMatchObject({ sequence: 1, roleRules: { member: { setAt } } });
    expect(await roleEvents(orgId)).toHaveLength(3);

    // required: false removes a role's rule.
    expect((await setRules(token, orgId, { roleRules: { support: { required: false } } })).status).toBe(204);
    const after = (await invoke('GET /api/settings/twofactor', { token })).body.data;
    expect(after.sequence).toBe(2);
    expect(Object.keys(after.roleRules).sort()).toEqual(['admin', 'member']);
    expect((await roleEvents(orgId)).filter((e) => e.policySequence === 2).map((e) => e.details)).toEqual([{ role: 'support', required: false }]);
  });

  it.each([
    ['an unknown role', { roleRules: { owner: { required: true } } }, 'body.roleRules'],
    ['no role at all', { roleRules: {} }, 'body.roleRules'],
    ['roleRules not an object', { roleRules: 'admin' }, 'body.roleRules'],
    ['required not a boolean', { roleRules: { admin: { required: 'yes' } } }, 'body.roleRules.admin.required'],
    ['a rule without required', { roleRules: { admin: { graceDays: 3 } } }, 'body.roleRules.admin.required'],
    ['an unknown field in a rule', { roleRules: { admin: { required: true, enforce: 'hard' } } }, 'body.roleRules.admin'],
    ['fractional grace days', { roleRules: { member: { required: true, graceDays: 1.5 } } }, 'body.roleRules.member.graceDays'],
    ['negative grace days', { roleRules: { member: { required: true, graceDays: -1 } } }, 'body.roleRules.member.graceDays'],
    ['grace days beyond a year', { roleRules: { member: { required: true, graceDays: 366 } } }, 'body.roleRules.member.graceDays'],
    ['grace days as a string', { roleRules: { member: { required: true, graceDays: '14' } } }, 'body.roleRules.member.graceDays'],
    ['a deadline that is no date', { roleRules: { admin: { required: true, deadline: 'next friday' } } }, 'body.roleRules.admin.deadline'],
    ['a deadline as a number', { roleRules: { admin: { required: true, deadline: 1767225600000 } } }, 'body.roleRules.admin.deadline'],
    ['an impossible date', { roleRules: { admin: { required: true, deadline: '2027-02-30' } } }, 'body.roleRules.admin.deadline'],
    ['a deadline in the past', { roleRules: { admin: { required: true, deadline: '2020-01-01T00:00:00Z' } } }, 'body.roleRules.admin.deadline'],
    ['a deadline years ahead', { roleRules: { admin: { required: true, deadline: '2207-01-01' } } }, 'body.roleRules.admin.deadline'],
    ['both a deadline and grace days', { roleRules: { admin: { required: true, deadline: '2027-01-01', graceDays: 3 } } }, 'body.roleRules.admin'],
    ['a deadline without required', { roleRules: { admin: { required: false, graceDays: 3 } } }, 'body.roleRules.admin'],
  ])('refuses %s with 400 naming the field, and writes nothing', async (_, body, path) => {
    const { token, orgId } = await scene();
    // A valid change for another role in the same request is not half-applied either.
    const response = await setRules(token, orgId, { ...body, gracePeriodSeconds: 60 });
    expect(response).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect((await invoke('GET /api/settings/twofactor', { token })).body.data).toMatchObject({ sequence: 0, gracePeriodSeconds: 0, roleRules: {} });
    expect((await storedAuditEvents(orgId)).filter((e) => String(e.action).startsWith('policy.'))).toEqual([]);
  });

  it('a past deadline beside a valid rule: 400 and neither rule written', async () => {
    const { token, orgId } = await scene();
    const response = await setRules(token, orgId, { roleRules: { member: { required: true, graceDays: 14 }, admin: { required: true, deadline: '2001-01-01' } } });
    expect(response).toMatchObject({ status: 400, body: { errors: [{ path: 'body.roleRules.admin.deadline', message: expect.stringContaining('future') }] } });
    expect((await invoke('GET /api/settings/twofactor', { token })).body.data).toMatchObject({ sequence: 0, roleRules: {} });
  });

  it('is for org admins only', async () => {
    const { member, orgId } = await scene();
    const response = await setRules(await accessToken(member), orgId, { roleRules: { member: { required: false } } });
    expect(response).toMatchObject({ status: 403 });
  });

  it('needs an allowed method; the last method cannot go while a role requires 2FA; the role cannot turn 2FA off', async () => {
    const { token, orgId, member } = await scene();
    const memberToken = await accessToken(member);
    await invoke('DELETE /api/settings/twofactor/{method}', { token, params: { method: 'u2f' } });
    expect((await setRules(token, orgId, { roleRules: { member: { required: true, graceDays: 7 } } })).status).toBe(204);
    const last = await invoke('DELETE /api/settings/twofactor/{method}', { token, params: { method: 'google' } });
    expect(last).toMatchObject({ status: 409, body: { code: 'policy_requires_method' } });

    const secret = await enrolTotp(memberToken);
    clock.nextStep();
    const { accessToken: aal2 } = await loginWithTotp(member, secret);
    const disabled = await invoke('POST /2fa/disable-two-factor-auth', { token: aal2, body: {} });
    expect(disabled).toMatchObject({ status: 403, body: { code: 'two_factor_forced' } });
  });
});

describe('login against each role’s deadline', () => {
  it('a grace-period rule: before the deadline full tokens with the exact enrolBy; at and after it, enrol first', async () => {
    const { token, orgId, member, admin } = await scene();
    await setRules(token, orgId, { roleRules: { member: { required: true, graceDays: 14 } } });
    const deadline = clock.now().getTime() + 14 * DAY * 1000;

    expect(await loginAnswer(member)).toEqual({ pending: false, twoFactorSetupRequired: true, enrolBy: new Date(deadline).toISOString() });
    expect(await loginAnswer(admin)).toEqual({ pending: false, twoFactorSetupRequired: undefined, enrolBy: undefined });

    clock.advance(14 * DAY - 1);
    expect(await loginAnswer(member)).toEqual({ pending: false, twoFactorSetupRequired: true, enrolBy: new Date(deadline).toISOString() });
    clock.advance(1); // exactly the deadline
    expect(await loginAnswer(member)).toEqual({ pending: true, twoFactorSetupRequired: true, methods: [] });
    clock.advance(DAY);
    expect(await loginAnswer(member)).toEqual({ pending: true, twoFactorSetupRequired: true, methods: [] });
    expect(await loginAnswer(admin)).toMatchObject({ pending: false, twoFactorSetupRequired: undefined });
  });

  it('"admins now": an admin without a factor must enrol at once, and the pending token enrols and finishes the login', async () => {
    const { token, orgId, admin, member } = await scene();
    await setRules(token, orgId, { roleRules: { admin: { required: true } } });
    expect(await loginAnswer(admin)).toEqual({ pending: true, twoFactorSetupRequired: true, methods: [] });
    expect(await loginAnswer(member)).toMatchObject({ pending: false, twoFactorSetupRequired: undefined });

    const pending = (await signIn(admin)).body.pendingToken;
    const qr = await invoke('GET /2fa/generate-qr', { token: pending });
    const secret = new URL(qr.body.link).searchParams.get('secret')!;
    const enabled = await invoke('POST /2fa/enable-two-factor-auth', { token: pending, body: { code: await totpCode(secret) } });
    expect(enabled).toMatchObject({ status: 200, body: { accessToken: expect.any(String), refreshToken: expect.any(String) } });
  });

  it('a date rule: full tokens until the date, enrol first from the date on', async () => {
    const { token, orgId, support } = await scene();
    const deadline = new Date(clock.now().getTime() + 3 * DAY * 1000);
    deadline.setUTCMilliseconds(0);
    await setRules(token, orgId, { roleRules: { support: { required: true, deadline: deadline.toISOString().replace('.000Z', 'Z') } } });
    expect((await invoke('GET /api/settings/twofactor', { token })).body.data.roleRules.support).toEqual({
      required: true,
      deadline: deadline.toISOString(),
      setAt: clock.now().toISOString(),
    });

    expect(await loginAnswer(support)).toEqual({ pending: false, twoFactorSetupRequired: true, enrolBy: deadline.toISOString() });
    clock.advance((deadline.getTime() - clock.now().getTime()) / 1000 - 1);
    expect(await loginAnswer(support)).toMatchObject({ pending: false, enrolBy: deadline.toISOString() });
    clock.advance(1);
    expect(await loginAnswer(support)).toEqual({ pending: true, twoFactorSetupRequired: true, methods: [] });
    clock.advance(1);
    expect(await loginAnswer(support)).toMatchObject({ pending: true });
  });

  it('a user created after a date rule’s deadline gets the org’s grace period from their creation', async () => {
    const { token, orgId, name } = await scene();
    await setRules(token, orgId, { gracePeriodSeconds: 3600, roleRules: { member: { required: true, deadline: new Date(clock.now().getTime() + DAY * 1000).toISOString() } } });
    clock.advance(2 * DAY);
    const newcomer = await newUser(name, 'member');
    expect(await loginAnswer(newcomer)).toEqual({ pending: false, twoFactorSetupRequired: true, enrolBy: new Date(clock.now().getTime() + 3600_000).toISOString() });
    clock.advance(3600);
    expect(await loginAnswer(newcomer)).toMatchObject({ pending: true, twoFactorSetupRequired: true });
  });

  it('a member promoted to admin after the admins’ deadline must enrol at the next sign-in', async () => {
    const { token, orgId, admin, member } = await scene();
    const secret = await enrolTotp(token);
    await setRules(token, orgId, { roleRules: { admin: { required: true, graceDays: 1 } } });
    clock.advance(2 * DAY);
    expect(await loginAnswer(member)).toMatchObject({ pending: false, twoFactorSetupRequired: undefined });

    clock.nextStep();
    const { accessToken: adminToken } = await loginWithTotp(admin, secret);
    const promoted = await invoke('PATCH /api/users/{id}', { token: adminToken, params: { id: member.userId }, body: { role: 'admin' } });
    expect(promoted.status).toBe(200);
    expect(await loginAnswer(member)).toEqual({ pending: true, twoFactorSetupRequired: true, methods: [] });
  });

  it('force still means every role now with the org’s grace period, and the earlier deadline wins; unforce leaves the role rules', async () => {
    const { token, orgId, member, admin } = await scene();
    await setRules(token, orgId, { gracePeriodSeconds: 3600, roleRules: { member: { required: true, graceDays: 14 } } });
    const setAt = clock.now().getTime();
    clock.advance(60);
    expect((await invoke('POST /api/settings/twofactor/force', { token })).status).toBe(204);
    await policyChangeSettles(orgId);
    const forcedBy = new Date(clock.now().getTime() + 3600_000).toISOString();
    expect(await loginAnswer(member)).toEqual({ pending: false, twoFactorSetupRequired: true, enrolBy: forcedBy });
    expect(await loginAnswer(admin)).toEqual({ pending: false, twoFactorSetupRequired: true, enrolBy: forcedBy });
    expect((await invoke('GET /api/settings/twofactor', { token })).body.data).toMatchObject({ force: true, roleRules: { member: { graceDays: 14 } } });

    expect((await invoke('DELETE /api/settings/twofactor/force', { token })).status).toBe(204);
    await policyChangeSettles(orgId);
    expect(await loginAnswer(member)).toEqual({ pending: false, twoFactorSetupRequired: true, enrolBy: new Date(setAt + 14 * DAY * 1000).toISOString() });
    expect(await loginAnswer(admin)).toMatchObject({ pending: false, twoFactorSetupRequired: undefined });
    expect((await invoke('GET /api/settings/twofactor', { token })).body.data).toMatchObject({ force: false, roleRules: { member: { graceDays: 14 } } });
  });
});

describe('the enrolment report', () => {
  it('shows each user’s deadline and whether it has passed, and filters by role, page by page', async () => {
    const { token, orgId, name, admin, member, support } = await scene();
    const member2 = await newUser(name, 'member');
    await setRules(token, orgId, { roleRules: { admin: { required: true }, member: { required: true, graceDays: 14 } } });
    const now = clock.now().getTime();
    const memberDeadline = new Date(now + 14 * DAY * 1000).toISOString();

    const all = await invoke('GET /api/settings/twofactor/users', { token });
    expect(all.body.data).toEqual([
      { userId: admin.userId, email: admin.email, role: 'admin', methods: [], satisfiesPolicy: false, deadline: new Date(now).toISOString(), deadlinePassed: true },
      { userId: member.userId, email: member.email, role: 'member', methods: [], satisfiesPolicy: false, deadline: memberDeadline, deadlinePassed: false },
      { userId: support.userId, email: support.email, role: 'support', methods: [], satisfiesPolicy: true, deadline: null, deadlinePassed: false },
      { userId: member2.userId, email: member2.email, role: 'member', methods: [], satisfiesPolicy: false, deadline: memberDeadline, deadlinePassed: false },
    ]);
    expect(all.body.policy.roleRules).toMatchObject({ admin: { required: true }, member: { graceDays: 14 } });

    const admins = await invoke('GET /api/settings/twofactor/users', { token, query: { role: 'admin' } });
    expect(admins.body.data.map((u: { userId: number }) => u.userId)).toEqual([admin.userId]);

    // Paged with the filter: every member once, none of the others.
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await invoke('GET /api/settings/twofactor/users', { token, query: { role: 'member', limit: '1', ...(cursor && { cursor }) } });
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((u: { userId: number; role: string }) => (expect(u.role).toBe('member'), u.userId)));
      cursor = page.body.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([member.userId, member2.userId]);

    // Admins are past their deadline now; support (no rule here) reads the report 14 days on.
    clock.advance(14 * DAY);
    const later = await invoke('GET /api/settings/twofactor/users', { token: await accessToken(support), query: { role: 'member' } });
    expect(later.body.data.map((u: { deadlinePassed: boolean }) => u.deadlinePassed)).toEqual([true, true]);

    const unknown = await invoke('GET /api/settings/twofactor/users', { token: await accessToken(support), query: { role: 'owner' } });
    expect(unknown).toMatchObject({ status: 400, body: { errors: [{ path: 'query.role' }] } });
  });
});

describe('impersonation', () => {
  it('needs the support user’s own second factor even while the org lets support sign in without one', async () => {
    const { token, orgId, support, member } = await scene();
    await setRules(token, orgId, { roleRules: { support: { required: true, graceDays: 30 } } });
    const answer = await signIn(support);
    expect(answer.body).toMatchObject({ twoFactorSetupRequired: true, accessToken: expect.any(String) });
    const refused = await invoke('POST /2fa/impersonate', { token: answer.body.accessToken, body: { userId: member.userId, teamId: orgId, code: '123456' } });
    expect(refused).toMatchObject({ status: 403, body: { code: 'two_factor_required' } });
  });
});
