/**
 * The account a second factor is checked against: the user's profile, second-factor state and
 * factors, read in one Query (account-store.ts), plus the rules read from it.
 */
import type { UserRecord } from '../model/user';
import type { Method } from '../policy/policy';
import type { MfaState } from './lockout';

export { loadAccount } from './account-store';
export type { MfaState };

/** Every factor kind; registry.ts fails to compile while one has no strategy. */
export type FactorKind = Exclude<Method, 'email'> | 'recovery';

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
