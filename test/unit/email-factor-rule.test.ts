/** The rule that email codes never stand alone for an admin or support user while the org forces 2FA. */
import { allowedMethods, assertKeepsStrongFactor, loginMethods, type Account, type FactorItem, type FactorKind } from '../../shared/factors/account';
import type { Role } from '../../shared/model/user';
import type { Method } from '../../shared/policy/policy';

const factor = (kind: FactorKind, verified = true): FactorItem => ({
  pk: 'USER#1',
  sk: `FACTOR#${kind}`,
  kind,
  verified,
  createdAt: '2026-01-01T00:00:00Z',
  ...(kind === 'recovery' && { hashes: new Set(['h']) }),
});
const account = (role: Role, ...factors: FactorItem[]): Account =>
  ({ user: { userId: 1, orgId: 1, role, email: 'a@example.test', createdAt: '2026-01-01T00:00:00Z' }, mfa: { failures: 0 }, factors, others: new Map() }) as Account;
const policy = (forced: boolean, methods: Method[] = ['totp', 'webauthn', 'email']) => ({ forced, methods });

describe('email codes for admins and support staff', () => {
  it.each<[Role, boolean, FactorKind[], FactorKind[]]>([
    ['member', true, ['email'], ['email']],
    ['admin', false, ['email'], ['email']],
    ['admin', true, ['email'], []],
    ['support', true, ['email'], []],
    ['admin', true, ['email', 'recovery'], []], // not enrolled: asked to enrol a strong factor (a recovery code still signs in)
    ['admin', true, ['email', 'totp'], ['totp', 'email']],
    ['support', true, ['webauthn', 'email'], ['webauthn', 'email']],
  ])('%s, forced %p, with %p: login methods %p', (role, forced, kinds, expected) => {
    expect(loginMethods(account(role, ...kinds.map((k) => factor(k))), policy(forced)).sort()).toEqual([...expected].sort());
  });

  it('a rule requiring 2FA of the role counts as forcing it, for that role only', () => {
    const rule = { forced: false, methods: ['totp', 'webauthn', 'email'] as Method[], roleRules: { admin: { required: true, setAt: '2026-01-01T00:00:00Z' } } };
    expect(loginMethods(account('admin', factor('email')), rule)).toEqual([]);
    expect(loginMethods(account('support', factor('email')), rule)).toEqual(['email']);
  });

  it('an unverified strong factor does not make email count', () => {
    expect(allowedMethods(account('admin', factor('email'), factor('totp', false)), policy(true))).not.toContain('email');
  });

  it('refuses removing the last strong factor beside email while forced, and only then', () => {
    const key = factor('webauthn');
    const removeKey = (f: FactorItem) => f === key;
    expect(() => assertKeepsStrongFactor(account('admin', key, factor('email')), policy(true), removeKey)).toThrow(/email codes alone/);
    expect(() => assertKeepsStrongFactor(account('admin', key, factor('email')), policy(false), removeKey)).not.toThrow();
    expect(() => assertKeepsStrongFactor(account('member', key, factor('email')), policy(true), removeKey)).not.toThrow();
    expect(() => assertKeepsStrongFactor(account('admin', key, factor('totp'), factor('email')), policy(true), removeKey)).not.toThrow();
    expect(() => assertKeepsStrongFactor(account('admin', key), policy(true), removeKey)).not.toThrow();
  });
});
