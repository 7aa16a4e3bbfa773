/** 2FA required by role: each user's deadline, and what a change of the role rules does. Pure rules, no DynamoDB. */
import { BadRequest, Conflict, ErrorCode } from '../../shared/errors';
import { defaultPolicy, type Policy } from '../../shared/policy/policy';
import { enrolmentDeadline, requiresTwoFactor, setRoleRules } from '../../shared/policy/role-rules';
import { allOf, applyChange, disallowMethod, setSettings } from '../../shared/policy/rules';

const AT = new Date('2026-11-30T12:00:00.000Z');
const DAY = 86_400_000;
const policy = (overrides: Partial<Policy> = {}): Policy => ({ ...defaultPolicy(7), ...overrides });
const iso = (ms: number) => new Date(ms).toISOString();
const before = (role: 'member' | 'admin' | 'support') => ({ role, createdAt: '2026-01-01T00:00:00.000Z' });
const SET = '2026-11-01T00:00:00.000Z';

describe('a user’s enrolment deadline', () => {
  it('is none without a rule for the role and without force', () => {
    expect(enrolmentDeadline(policy(), before('admin'))).toBeUndefined();
    const p = policy({ roleRules: { admin: { required: true, graceDays: 0, setAt: SET } } });
    expect(enrolmentDeadline(p, before('member'))).toBeUndefined();
    expect(requiresTwoFactor(p, 'member')).toBe(false);
    expect(requiresTwoFactor(p, 'admin')).toBe(true);
  });

  it('a grace-period rule: the rule’s set time plus its days', () => {
    const p = policy({ roleRules: { member: { required: true, graceDays: 14, setAt: SET } } });
    expect(enrolmentDeadline(p, before('member'))).toEqual(new Date(Date.parse(SET) + 14 * DAY));
  });

  it('a date rule: the date itself', () => {
    const p = policy({ roleRules: { support: { required: true, deadline: '2026-12-24T00:00:00.000Z', setAt: SET } } });
    expect(enrolmentDeadline(p, before('support'))?.toISOString()).toBe('2026-12-24T00:00:00.000Z');
  });

  it('never before the user’s own creation plus the grace: the rule’s days, or for a date rule the org’s grace period', () => {
    const created = '2026-12-20T08:00:00.000Z';
    const byDays = policy({ roleRules: { member: { required: true, graceDays: 14, setAt: SET } } });
    expect(enrolmentDeadline(byDays, { role: 'member', createdAt: created })).toEqual(new Date(Date.parse(created) + 14 * DAY));
    const byDate = policy({ gracePeriodSeconds: 3600, roleRules: { member: { required: true, deadline: '2026-12-01T00:00:00.000Z', setAt: SET } } });
    expect(enrolmentDeadline(byDate, { role: 'member', createdAt: created })).toEqual(new Date(Date.parse(created) + 3600_000));
  });

  it('forced: the org’s grace period from forcedAt (or the user’s creation), as before role rules', () => {
    const p = policy({ forced: true, forcedAt: SET, gracePeriodSeconds: 7200 });
    for (const role of ['member', 'admin', 'support'] as const) {
      expect(enrolmentDeadline(p, before(role))).toEqual(new Date(Date.parse(SET) + 7200_000));
    }
    expect(enrolmentDeadline(p, { role: 'member', createdAt: iso(AT.getTime()) })).toEqual(new Date(AT.getTime() + 7200_000));
  });

  it('forced and a role rule: the earlier deadline wins', () => {
    const rule = { required: true, graceDays: 14, setAt: SET };
    const p = policy({ forced: true, forcedAt: SET, gracePeriodSeconds: 3600, roleRules: { member: rule } });
    expect(enrolmentDeadline(p, before('member'))).toEqual(new Date(Date.parse(SET) + 3600_000));
    const late = policy({ forced: true, forcedAt: iso(Date.parse(SET) + 30 * DAY), roleRules: { member: rule } });
    expect(enrolmentDeadline(late, before('member'))).toEqual(new Date(Date.parse(SET) + 14 * DAY));
  });
});

describe('setting role rules', () => {
  it('sets each named role with the change time, one policy.role_rules_changed per role with its deadline', () => {
    const outcome = setRoleRules({ admin: { required: true }, member: { required: true, graceDays: 14 } })(policy(), AT);
    expect(outcome).toEqual({
      next: policy({
        roleRules: {
          admin: { required: true, graceDays: 0, setAt: AT.toISOString() },
          member: { required: true, graceDays: 14, setAt: AT.toISOString() },
        },
      }),
      action: 'policy.role_rules_changed',
      details: { role: 'member', required: true, deadline: iso(AT.getTime() + 14 * DAY), graceDays: 14 },
      also: [{ action: 'policy.role_rules_changed', details: { role: 'admin', required: true, deadline: AT.toISOString(), graceDays: 0 } }],
    });
  });

  it('stores a date deadline as a UTC instant; the same rule again is unchanged and keeps its set time', () => {
    const first = setRoleRules({ support: { required: true, deadline: '2027-01-31T12:00:00+01:00' } })(policy(), AT);
    expect(first).toMatchObject({
      next: { roleRules: { support: { required: true, deadline: '2027-01-31T11:00:00.000Z', setAt: AT.toISOString() } } },
      details: { role: 'support', required: true, deadline: '2027-01-31T11:00:00.000Z' },
    });
    const stored = (first as Exclude<typeof first, 'unchanged'>).next;
    const later = new Date(AT.getTime() + 100 * DAY);
    expect(setRoleRules({ support: { required: true, deadline: '2027-01-31T11:00:00Z' } })(stored, later)).toBe('unchanged');
  });

  it('a changed rule restarts from the change; required: false removes it (and removing none is unchanged)', () => {
    const p = policy({ roleRules: { member: { required: true, graceDays: 14, setAt: SET } } });
    expect(setRoleRules({ member: { required: true, graceDays: 7 } })(p, AT)).toMatchObject({
      next: { roleRules: { member: { graceDays: 7, setAt: AT.toISOString() } } },
    });
    expect(setRoleRules({ member: { required: false } })(p, AT)).toEqual({
      next: policy({ roleRules: {} }),
      action: 'policy.role_rules_changed',
      details: { role: 'member', required: false },
    });
    expect(setRoleRules({ admin: { required: false } })(p, AT)).toBe('unchanged');
  });

  it.each([
    ['in the past', '2026-11-29T12:00:00.000Z', 'must be in the future'],
    ['now', AT.toISOString(), 'must be in the future'],
    ['more than a year ahead', iso(AT.getTime() + 366 * DAY), 'at most 365 days ahead'],
  ])('refuses a deadline %s with 400 naming the field', (_, deadline, message) => {
    try {
      setRoleRules({ admin: { required: true, deadline } })(policy(), AT);
      throw new Error('not refused');
    } catch (error) {
      expect(error).toBeInstanceOf(BadRequest);
      expect((error as BadRequest).issues).toEqual([{ path: 'body.roleRules.admin.deadline', message: expect.stringContaining(message) }]);
    }
  });

  it('requiring 2FA needs an allowed method, and the last method stays while a role requires it', () => {
    expect(() => setRoleRules({ member: { required: true } })(policy({ methods: [] }), AT)).toThrow(Conflict);
    const required = policy({ methods: ['totp'], roleRules: { admin: { required: true, graceDays: 0, setAt: SET } } });
    try {
      disallowMethod('totp', { strict: false })(required, AT);
      throw new Error('not refused');
    } catch (error) {
      expect((error as Conflict).code).toBe(ErrorCode.policyRequiresMethod);
    }
  });

  it('combined with settings in one request: one sequence, every change’s event', () => {
    const outcome = applyChange(policy(), allOf(setSettings({ gracePeriodSeconds: 60 }), setRoleRules({ admin: { required: true } })), AT, true);
    expect(outcome).toMatchObject({
      next: { sequence: 1, gracePeriodSeconds: 60, roleRules: { admin: { graceDays: 0 } } },
      action: 'policy.settings_changed',
      also: [{ action: 'policy.role_rules_changed', details: { role: 'admin' } }],
    });
    expect(allOf(setSettings({}), setRoleRules({ admin: { required: false } }))(policy(), AT)).toBe('unchanged');
  });
});
