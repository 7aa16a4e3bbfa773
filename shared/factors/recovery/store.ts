/** The repository of the recovery-code item (one per user: `FACTOR#RECOVERY`, a string set of keyed hashes). */
import { tableName } from '../../store/client';
import { keys } from '../../store/keys';
import type { TransactItem } from '../../store/transact';

const key = (userId: number) => keys.factor(userId, 'RECOVERY');

/** Replaces every code. */
export function put(userId: number, hashes: Set<string>, at: Date): TransactItem {
  return { Put: { TableName: tableName(), Item: { ...key(userId), kind: 'recovery', verified: true, hashes, createdAt: at.toISOString() } } };
}

/** Single use: of two requests with one code, one removes it. */
export function useCode(userId: number, hash: string): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: key(userId),
      UpdateExpression: 'DELETE hashes :used',
      ConditionExpression: 'contains(hashes, :code)',
      ExpressionAttributeValues: { ':used': new Set([hash]), ':code': hash },
    },
  };
}
