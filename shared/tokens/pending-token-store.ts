/**
 * A pending login token's single use, kept at keys.spentPendingToken (pk=USER#<id> sk=SESSION#<jti>,
 * outside the account Query): a login that finishes with the token writes its session there (the
 * session's id is the jti, and its put fails if the id is taken), so the session itself marks the
 * token spent, at no write of its own. Where a token is spent without a session (a password reset,
 * an enrolment that signs in under another id) `spend` writes an ended session in that place: no
 * listing, refresh or sweep ever sees it as live.
 */
import { GetCommand } from '../store/commands';
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
      Item: { ...keys.spentPendingToken(token.userId, token.jti), sid: token.jti, revokedAt: at.toISOString(), expiresAt: token.expiresAt },
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
