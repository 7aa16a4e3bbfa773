/**
 * Everything needed to authenticate a user's second factor lives in the user's partition, so one
 * Query reads it: the profile, the second-factor state (lockout, last TOTP step) and the factors.
 * Sessions share the partition but sort after `SESSION#`, outside the range read here.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { UserRecord } from '../model/user';
import type { Method } from '../policy/policy';
import { db, tableName } from '../store/client';
import { keys } from '../store/keys';

export type FactorKind = Exclude<Method, 'email'> | 'recovery';

export interface FactorItem {
  pk: string;
  sk: string;
  kind: FactorKind;
  verified: boolean;
  createdAt: string;
  [attribute: string]: unknown;
}

export interface MfaState {
  failures: number;
  lockedUntil?: number;
  lastTotpStep?: number;
}

export interface Account {
  user: UserRecord;
  mfa: MfaState;
  factors: FactorItem[];
  /** Every other item of the partition read (SMS code, WebAuthn challenges), by sort key. */
  others: Map<string, Record<string, unknown>>;
}

export async function loadAccount(userId: number): Promise<Account | undefined> {
  const result = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND sk < :sessions',
      ExpressionAttributeValues: { ':pk': keys.userPartition(userId), ':sessions': keys.sessionPrefix },
      ConsistentRead: true,
    }),
  );
  const items = result.Items ?? [];
  const user = items.find((i) => i.sk === keys.user(userId).sk) as UserRecord | undefined;
  if (!user) return undefined;
  const mfa = (items.find((i) => i.sk === keys.mfaState(userId).sk) as MfaState | undefined) ?? { failures: 0 };
  const factors = items.filter((i) => (i.sk as string).startsWith(keys.factorPrefix)) as FactorItem[];
  const others = new Map(items.map((i) => [i.sk as string, i]));
  return { user, mfa, factors, others };
}

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
