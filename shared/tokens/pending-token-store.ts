/**
 * The spent-pending-token markers (pk=USER#<id> sk=USED_PENDING#<jti>, sorted after the sessions,
 * outside the account Query): the condition that lets a pending login token finish one login only.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '../store/client';
import { keys } from '../store/keys';
import type { TransactItem } from '../store/transact';

/** A pending login token's jti: spent once a login finished with it. */
export interface PendingToken {
  userId: number;
  jti: string;
  /** Epoch seconds when the token expires: the marker is kept until then (TTL). */
  expiresAt: number;
}

/** Marks the token spent, for a transaction; fails if it was spent already. */
export function spend(token: PendingToken, at: Date): TransactItem {
  return {
    Put: {
      TableName: tableName(),
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: { ...keys.spentPendingToken(token.userId, token.jti), spentAt: at.toISOString(), expiresAt: token.expiresAt },
    },
  };
}

/** A transaction's proof that the token is not spent. */
export function assertUnspent(token: PendingToken): TransactItem {
  return { ConditionCheck: { TableName: tableName(), Key: keys.spentPendingToken(token.userId, token.jti), ConditionExpression: 'attribute_not_exists(pk)' } };
}

/** Whether the token was spent (consistent read). */
export async function isSpent(token: PendingToken): Promise<boolean> {
  const result = await db().send(new GetCommand({ TableName: tableName(), Key: keys.spentPendingToken(token.userId, token.jti), ConsistentRead: true }));
  return !!result.Item;
}
