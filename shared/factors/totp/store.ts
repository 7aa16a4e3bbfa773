/** The repository of the TOTP factor item (one per user: `FACTOR#TOTP`). */
import { tableName } from '../../store/client';
import { keys, type Key } from '../../store/keys';
import type { TransactItem } from '../../store/transact';

export const key = (userId: number): Key => keys.factor(userId, 'TOTP');

/** A secret brought from another system, verified already (the user's app holds it); for a new user only. */
export function putImported(userId: number, sealedSecret: string, at: Date): TransactItem {
  return {
    Put: {
      TableName: tableName(),
      Item: { ...key(userId), kind: 'totp', verified: true, sealedSecret, createdAt: at.toISOString(), verifiedAt: at.toISOString(), imported: true },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** Sets (or replaces) the user's secret, unverified. */
export function put(userId: number, sealedSecret: string, at: Date): TransactItem {
  return {
    Put: {
      TableName: tableName(),
      Item: { ...key(userId), kind: 'totp', verified: false, sealedSecret, createdAt: at.toISOString() },
    },
  };
}
