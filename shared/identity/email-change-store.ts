/**
 * A requested email change (pk=USER#<id> sk=LINK#email-change): the new address and the keyed hash
 * of the emailed link's token, until the link is followed. Spent by a conditional delete (single
 * use, expiry in the condition); TTL only cleans up.
 */
import { GetCommand } from '../store/commands';
import { db, tableName } from '../store/client';
import { epochSeconds } from '../store/conditions';
import { keys } from '../store/keys';
import type { TransactItem } from '../store/transact';

export interface EmailChangeItem {
  newEmail: string;
  tokenHash: string;
  /** Epoch seconds. */
  expiresAt: number;
  createdAt: string;
}

/** Stores the request, replacing an earlier one (whose link stops working), for a transaction. */
export function put(userId: number, change: EmailChangeItem): TransactItem {
  return { Put: { TableName: tableName(), Item: { ...keys.emailChange(userId), ...change } } };
}

export async function get(userId: number): Promise<EmailChangeItem | undefined> {
  const result = await db().send(new GetCommand({ TableName: tableName(), Key: keys.emailChange(userId), ConsistentRead: true }));
  return result.Item as EmailChangeItem | undefined;
}

/** Spends the request, for a transaction; fails if it was spent, replaced or expired meanwhile. */
export function spend(userId: number, tokenHash: string, at: Date): TransactItem {
  return {
    Delete: {
      TableName: tableName(),
      Key: keys.emailChange(userId),
      ConditionExpression: 'tokenHash = :hash AND expiresAt > :now',
      ExpressionAttributeValues: { ':hash': tokenHash, ':now': epochSeconds(at) },
    },
  };
}
