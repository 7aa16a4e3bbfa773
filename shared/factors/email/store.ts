/**
 * The repository of the email factor: the factor item (`FACTOR#EMAIL`, the sealed address) and the
 * code last sent (`CODE#EMAIL`, kept by the shared code repository ../code-store.ts).
 */
import { tableName } from '../../store/client';
import { keys, type Key } from '../../store/keys';
import type { TransactItem } from '../../store/transact';
import type { Account } from '../account';
import * as codeStore from '../code-store';
import type { CodeItem } from '../code-store';

/** What the factor item stores of an address: sealed, and masked for display. */
export interface StoredAddress {
  sealedAddress: string;
  maskedAddress: string;
}

export const key = (userId: number): Key => keys.factor(userId, 'EMAIL');
export const codeKey = (userId: number): Key => keys.emailCode(userId);

/** Sets (or replaces) the user's address, unverified. */
export function putFactor(userId: number, address: StoredAddress, at: Date): TransactItem {
  return {
    Put: { TableName: tableName(), Item: { ...key(userId), kind: 'email', verified: false, ...address, createdAt: at.toISOString() } },
  };
}

/** Removes the factor that was read: a concurrent replacement or removal fails this (LostRace). */
export function removeFactor(userId: number, createdAt: string): TransactItem {
  return {
    Delete: {
      TableName: tableName(),
      Key: key(userId),
      ConditionExpression: 'createdAt = :created',
      ExpressionAttributeValues: { ':created': createdAt },
    },
  };
}

export const codeOf = (account: Account): CodeItem | undefined => codeStore.codeAt(account, codeKey(account.user.userId));
export const putCode = (userId: number, code: CodeItem, sentAt: Date) => codeStore.putCode(codeKey(userId), code, sentAt);
export const deleteCode = (userId: number) => codeStore.deleteCode(codeKey(userId));
export const discardCode = (userId: number, codeHash: string) => codeStore.discardCode(codeKey(userId), codeHash);
