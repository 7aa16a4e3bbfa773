/** What each policy change does to a policy, and what it refuses: the pure rules, no DynamoDB. */
import { Conflict, ErrorCode, NotFound } from '../../shared/errors';
import { defaultPolicy, type Policy } from '../../shared/policy/policy';
import { allowMethod, applyChange, disallowMethod, setForced, setSettings, type Change } from '../../shared/policy/rules';

const AT = new Date('2026-11-30T12:00:00.000Z');
const ORG = 7;
const policy = (overrides: Partial<Policy> = {}): Policy => ({ ...defaultPolicy(ORG), ...overrides });
const lenient = { strict: false };
const strict = { strict: true };

function refusal(change: Change, from: Policy) {
  try {
    change(from, AT);
  } catch (error) {
    return { type: (error as Error).constructor.name, code: (error as Conflict).code };
  }
  throw new Error('the change was not refused');
}

describe('allowing a method', () => {
  it('adds it at the end and records policy.method_enabled', () => {
    expect(allowMethod('sms', lenient)(policy(), AT)).toEqual({
      next: policy({ methods: ['totp', 'webauthn', 'sms'] }),
      action: 'policy.method_enabled',
      details: { method: 'sms' },
    });
  });

  it('already allowed: unchanged on the idempotent Ziik routes, 409 already_exists on Zitadel’s', () => {
    expect(allowMethod('totp', lenient)(policy(), AT)).toBe('unchanged');
    expect(refusal(allowMethod('totp', strict), policy())).toEqual({ type: Conflict.name, code: ErrorCode.alreadyExists });
  });
});

describe('disallowing a method', () => {
  it('removes it and records policy.method_disabled', () => {
    expect(disallowMethod('totp', lenient)(policy(), AT)).toEqual({
      next: policy({ methods: ['webauthn'] }),
      action: 'policy.method_disabled',
      details: { method: 'totp' },
    });
  });

  it('not allowed: unchanged (Ziik), 404 (Zitadel)', () => {
    expect(disallowMethod('sms', lenient)(policy(), AT)).toBe('unchanged');
    expect(refusal(disallowMethod('sms', strict), policy())).toEqual({ type: NotFound.name, code: ErrorCode.notFound });
  });

  it('refuses to remove the last method while 2FA is forced, and allows it once unforced', () => {
    const forcedWithOne = policy({ methods: ['totp'], forced: true });
    expect(refusal(disallowMethod('totp', lenient), forcedWithOne)).toEqual({ type: Conflict.name, code: ErrorCode.policyRequiresMethod });
    expect(disallowMethod('totp', lenient)({ ...forcedWithOne, forced: false }, AT)).toMatchObject({ next: { methods: [] } });
  });
});

describe('forcing 2FA', () => {
  it('forces from now (the grace period runs from forcedAt) and records policy.forced', () => {
    expect(setForced(true)(policy(), AT)).toEqual({
      next: policy({ forced: true, forcedAt: AT.toISOString() }),
      action: 'policy.forced',
      details: { forced: true },
    });
  });

  it('unforces, keeping when it was last forced, and records policy.unforced', () => {
    const forced = policy({ forced: true, forcedAt: '2026-01-01T00:00:00.000Z' });
    expect(setForced(false)(forced, AT)).toEqual({ next: { ...forced, forced: false }, action: 'policy.unforced', details: { forced: false } });
  });

  it('is unchanged when already so, and refused with no allowed method', () => {
    expect(setForced(false)(policy(), AT)).toBe('unchanged');
    expect(setForced(true)(policy({ forced: true }), AT)).toBe('unchanged');
    expect(refusal(setForced(true), policy({ methods: [] }))).toEqual({ type: Conflict.name, code: ErrorCode.policyRequiresMethod });
  });
});

describe('settings', () => {
  it('changes the timings and records every setting', () => {
    expect(setSettings({ gracePeriodSeconds: 3600 })(policy(), AT)).toEqual({
      next: policy({ gracePeriodSeconds: 3600 }),
      action: 'policy.settings_changed',
      details: { gracePeriodSeconds: 3600, checkLifetimeSeconds: 900, smsCountryCodes: 'all', notifications: true, passwordless: false, rememberDeviceDays: 0 },
    });
  });

  it('switches passkey sign-in (passwordless) on and off, recorded; the same value is unchanged', () => {
    const on = setSettings({ passwordless: true })(policy(), AT);
    expect(on).toMatchObject({ next: { passwordless: true }, action: 'policy.settings_changed', details: { passwordless: true } });
    expect(setSettings({ passwordless: true })(policy({ passwordless: true }), AT)).toBe('unchanged');
    expect(setSettings({ passwordless: false })(policy({ passwordless: true }), AT)).toMatchObject({ next: { passwordless: false } });
  });

  it('records a shorter device allowance as the revocation of the devices older than it', () => {
    const longer = setSettings({ rememberDeviceDays: 30 })(policy(), AT);
    expect(longer).toMatchObject({ next: { rememberDeviceDays: 30 }, details: { rememberDeviceDays: 30 } });
    expect(longer).not.toHaveProperty('also');
    expect(setSettings({ rememberDeviceDays: 7 })(policy({ rememberDeviceDays: 30 }), AT)).toMatchObject({
      // Devices older than 7 days at the change never work again, whatever the allowance becomes.
      next: { rememberDeviceDays: 7, rememberedDevicesNotBefore: '2026-11-23T12:00:00.000Z' },
      also: [{ action: 'devices.revoked', details: { reason: 'policy', rememberDeviceDays: 7, previousDays: 30 } }],
    });
    expect(setSettings({ rememberDeviceDays: 7 })(policy({ rememberDeviceDays: 7 }), AT)).toBe('unchanged');
  });

  it('keeps SMS country codes sorted and unique; null allows every country again', () => {
    const narrowed = setSettings({ smsCountryCodes: ['46', '45', '46'] })(policy(), AT);
    expect(narrowed).toMatchObject({ next: { smsCountryCodes: ['45', '46'] }, details: { smsCountryCodes: '45,46' } });
    const widened = setSettings({ smsCountryCodes: null })(policy({ smsCountryCodes: ['45'] }), AT);
    expect(widened).not.toBe('unchanged');
    expect(widened !== 'unchanged' && widened.next).not.toHaveProperty('smsCountryCodes');
  });

  it('is unchanged when nothing differs (the same codes in another order, or nothing sent)', () => {
    const current = policy({ gracePeriodSeconds: 60, smsCountryCodes: ['45', '46'] });
    expect(setSettings({ gracePeriodSeconds: 60, smsCountryCodes: ['46', '45'] })(current, AT)).toBe('unchanged');
    expect(setSettings({})(current, AT)).toBe('unchanged');
    expect(setSettings({ smsCountryCodes: null })(policy(), AT)).toBe('unchanged');
  });
});

describe('applying a change: the policy as it is stored', () => {
  it('the first change of an org creates the item: sequence 1, created and changed now', () => {
    expect(applyChange(policy(), allowMethod('sms', lenient), AT, false)).toMatchObject({
      next: { sequence: 1, createdAt: AT.toISOString(), changedAt: AT.toISOString() },
    });
  });

  it('a later change increments the sequence it read and keeps the creation date', () => {
    const stored = policy({ sequence: 4, createdAt: '2026-01-01T00:00:00.000Z', changedAt: '2026-02-01T00:00:00.000Z' });
    expect(applyChange(stored, setForced(true), AT, true)).toMatchObject({
      next: { sequence: 5, createdAt: '2026-01-01T00:00:00.000Z', changedAt: AT.toISOString(), forced: true },
      action: 'policy.forced',
    });
  });

  it('a change that changes nothing writes nothing: no new sequence', () => {
    expect(applyChange(policy({ sequence: 4 }), allowMethod('totp', lenient), AT, true)).toBe('unchanged');
  });
});
