/**
 * The items of emailed links and of a reset waiting for its second factor, all in the user's
 * partition and inside the account Query's range (store/keys.ts): an invitation or reset link
 * (sk=LINK#<purpose>, one per user and purpose: a new link replaces the old) holds only the token's
 * keyed hash; a pending reset (sk=RESET#PENDING) holds the new password's hash and the pending
 * token's jti. Each is spent by a conditional delete, which is what makes it single-use; TTL
 * (`expiresAt`) only cleans up, the conditions check the time themselves.
 */
import { tableName } from '../store/client';
import { epochSeconds } from '../store/conditions';
import { keys } from '../store/keys';
import type { TransactItem } from '../store/transact';

export type LinkPurpose = 'invitation' | 'reset';

export interface LinkItem {
  tokenHash: string;
  /** Epoch seconds. */
  expiresAt: number;
  createdAt: string;
}

export interface PendingResetItem {
  /** The pending reset token's jti: only that token finishes this reset. */
  jti: string;
  passwordHash: string;
  expiresAt: number;
}

/** Stores a link, replacing the user's previous one of the purpose, for a transaction. */
export function putLink(userId: number, purpose: LinkPurpose, link: LinkItem): TransactItem {
  return { Put: { TableName: tableName(), Item: { ...keys.link(userId, purpose), ...link } } };
}

/** Spends the link, for a transaction; fails if it was spent, replaced or expired meanwhile. */
export function spendLink(userId: number, purpose: LinkPurpose, tokenHash: string, at: Date): TransactItem {
  return {
    Delete: {
      TableName: tableName(),
      Key: keys.link(userId, purpose),
      ConditionExpression: 'tokenHash = :hash AND expiresAt > :now',
      ExpressionAttributeValues: { ':hash': tokenHash, ':now': epochSeconds(at) },
    },
  };
}

/** Deletes the user's link of the purpose, if any (a finished reset ends any other reset link). */
export function dropLink(userId: number, purpose: LinkPurpose): TransactItem {
  return { Delete: { TableName: tableName(), Key: keys.link(userId, purpose) } };
}

/** Stores a reset that waits for the second factor, replacing any earlier one, for a transaction. */
export function putPendingReset(userId: number, pending: PendingResetItem): TransactItem {
  return { Put: { TableName: tableName(), Item: { ...keys.pendingReset(userId), ...pending } } };
}

/** Spends the pending reset of this token, for a transaction; fails if it was spent, replaced or expired. */
export function spendPendingReset(userId: number, jti: string, at: Date): TransactItem {
  return {
    Delete: {
      TableName: tableName(),
      Key: keys.pendingReset(userId),
      ConditionExpression: 'jti = :jti AND expiresAt > :now',
      ExpressionAttributeValues: { ':jti': jti, ':now': epochSeconds(at) },
    },
  };
}

/** The sort keys the account Query answers these items under. */
export const linkSortKey = (purpose: LinkPurpose) => keys.link(0, purpose).sk;
export const pendingResetSortKey = keys.pendingReset(0).sk;
