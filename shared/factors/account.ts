/**
 * The account a second factor is checked against: the user's profile, second-factor state and
 * factors, read in one Query (account-store.ts), plus the rules read from it.
 */
import { Conflict, ErrorCode } from '../errors';
import type { UserRecord } from '../model/user';
import type { Method, Policy } from '../policy/policy';
import { requiresTwoFactor } from '../policy/role-rules';
import type { MfaState } from './lockout';

export { loadAccount } from './account-store';
export type { MfaState };

/** Every factor kind; registry.ts fails to compile while one has no strategy. */
export type FactorKind = Method | 'recovery';

export interface FactorItem {
  pk: string;
  sk: string;
  kind: FactorKind;
  verified: boolean;
  createdAt: string;
  [attribute: string]: unknown;
}

export interface Account {
  user: UserRecord;
  mfa: MfaState;
  factors: FactorItem[];
  /** Every other item of the partition read (SMS code, WebAuthn challenges), by sort key: each factor's store reads its own. */
  others: Map<string, Record<string, unknown>>;
}

/** The factor of a kind that has one item (TOTP, SMS, recovery). */
export const factorOfKind = (account: Account, kind: FactorKind): FactorItem | undefined => account.factors.find((f) => f.kind === kind);

/** The verified methods a user can finish a login with under the org's allowed methods. */
export function usableMethods(account: Account, allowed: readonly Method[]): FactorKind[] {
  // A recovery item whose codes are all used is no longer a way in.
  const verified = new Set(
    account.factors.filter((f) => f.verified && (f.kind !== 'recovery' || (f.hashes as Set<string> | undefined)?.size)).map((f) => f.kind),
  );
  const usable: FactorKind[] = [...verified].filter((k): k is Exclude<FactorKind, 'recovery'> => k !== 'recovery' && allowed.includes(k));
  // Recovery codes always work, so a policy change never locks a user out.
  if (verified.has('recovery')) usable.push('recovery');
  return usable;
}

/** Kinds that may stand alone for an admin or support user of an org that forces 2FA (not email, not recovery codes). */
const STRONG: readonly FactorKind[] = ['totp', 'sms', 'webauthn'];

/**
 * The methods this user may finish a login (or a step-up) with: the policy's, except that an admin
 * or support user whom the org requires 2FA of (forced, or a rule for the role) never gets in with email codes alone. Email is the
 * mailbox's security, not the user's (README, Email codes): for them it counts only beside a
 * strong factor. Without one they are "not enrolled": login asks them to enrol a strong factor,
 * and the pending token may do so.
 */
export function allowedMethods(account: Account, policy: Pick<Policy, 'methods' | 'forced' | 'roleRules'>): Method[] {
  if (!requiresTwoFactor(policy, account.user.role) || !policy.methods.includes('email') || !['admin', 'support'].includes(account.user.role)) return policy.methods;
  const strong = usableMethods(account, policy.methods).some((k) => STRONG.includes(k));
  return strong ? policy.methods : policy.methods.filter((m) => m !== 'email');
}

/**
 * The methods a user can finish a login with (usableMethods under allowedMethods). An admin whose
 * email factor does not count has none, recovery codes or not: they are asked to enrol a strong
 * factor (a recovery code is still accepted, as always, so nobody is locked out).
 */
export function loginMethods(account: Account, policy: Pick<Policy, 'methods' | 'forced' | 'roleRules'>): FactorKind[] {
  const allowed = allowedMethods(account, policy);
  return allowed.length < policy.methods.length ? [] : usableMethods(account, allowed);
}

/** Refuses a removal that would leave an admin or support user of a forced org with email codes alone. */
export function assertKeepsStrongFactor(account: Account, policy: Pick<Policy, 'methods' | 'forced' | 'roleRules'>, removed: (f: FactorItem) => boolean): void {
  if (!requiresTwoFactor(policy, account.user.role) || !['admin', 'support'].includes(account.user.role)) return;
  const before = usableMethods(account, policy.methods);
  if (!before.includes('email') || !before.some((k) => STRONG.includes(k))) return;
  const after = usableMethods({ ...account, factors: account.factors.filter((f) => !removed(f)) }, policy.methods);
  if (after.some((k) => STRONG.includes(k))) return;
  throw new Conflict(
    'This is your last factor besides email codes, and your organisation forces two-factor authentication: email codes alone are not enough for your role. Add an authenticator app or a security key first',
    ErrorCode.policyRequiresMethod,
  );
}
