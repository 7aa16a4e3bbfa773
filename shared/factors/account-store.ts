/**
 * The repository of the account: everything needed to authenticate a user's second factor lives in
 * the user's partition, so one Query reads it: the profile, the second-factor state (lockout, last
 * TOTP step), the factors and the pending proofs (SMS code, WebAuthn challenges). Sessions share the
 * partition but sort after `SESSION#`, outside the range read here. Also the writes every kind of
 * factor item shares: verifying one, removing them.
 */
import { QueryCommand } from '../store/commands';
import type { UserRecord } from '../model/user';
import { db, tableName } from '../store/client';
import { keys } from '../store/keys';
import type { TransactItem } from '../store/transact';
import type { Account, FactorItem } from './account';
import type { MfaState } from './lockout';
import { removeImportedPasskeyOwner, type CredentialItem } from './webauthn/store';

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

/** Marks the factor verified; the factor verified is the factor that was read: a concurrent replacement fails this. */
export function verifyFactor(factor: FactorItem, at: Date): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: { pk: factor.pk, sk: factor.sk },
      UpdateExpression: 'SET verified = :true, verifiedAt = :at',
      ConditionExpression: 'verified = :false AND createdAt = :created',
      ExpressionAttributeValues: { ':true': true, ':false': false, ':at': at.toISOString(), ':created': factor.createdAt },
    },
  };
}

/** Deletes each factor item (disable, admin reset), and the owner item of each imported passkey among them. */
export function removeFactors(factors: FactorItem[]): TransactItem[] {
  return [
    ...factors.map((f): TransactItem => ({ Delete: { TableName: tableName(), Key: { pk: f.pk, sk: f.sk } } })),
    ...factors.flatMap((f) => (f.kind === 'webauthn' ? removeImportedPasskeyOwner(f as CredentialItem) : [])),
  ];
}
