/**
 * The repository of the SMS factor: the factor item (`FACTOR#SMS`, the sealed number) and the code
 * last sent (`CODE#SMS`, kept by the shared code repository ../code-store.ts).
 */
import { tableName } from '../../store/client';
import { keys, type Key } from '../../store/keys';
import type { TransactItem } from '../../store/transact';
import type { Account } from '../account';
import * as codeStore from '../code-store';
import type { CodeItem } from '../code-store';

/** What the factor item stores of a number: never the number itself. */
export interface StoredPhone {
  sealedPhone: string;
  maskedPhone: string;
  countryCode: string;
}

export type SmsCodeItem = CodeItem;

export const key = (userId: number): Key => keys.factor(userId, 'SMS');
export const codeKey = (userId: number): Key => keys.smsCode(userId);

/** Sets (or replaces) the user's number, unverified. */
export function putFactor(userId: number, phone: StoredPhone, at: Date): TransactItem {
  return {
    Put: { TableName: tableName(), Item: { ...key(userId), kind: 'sms', verified: false, ...phone, createdAt: at.toISOString() } },
  };
}

/** The code last sent, as read with the account (expired or not). */
export const codeOf = (account: Account): SmsCodeItem | undefined => codeStore.codeAt(account, codeKey(account.user.userId));
export const putCode = (userId: number, code: SmsCodeItem, sentAt: Date) => codeStore.putCode(codeKey(userId), code, sentAt);
export const deleteCode = (userId: number) => codeStore.deleteCode(codeKey(userId));
export const discardCode = (userId: number, codeHash: string) => codeStore.discardCode(codeKey(userId), codeHash);

/** Removes the user's number; LostRace when there is none (already removed by a concurrent request). */
export function removeFactor(userId: number): TransactItem {
  return { Delete: { TableName: tableName(), Key: key(userId), ConditionExpression: 'attribute_exists(pk)' } };
}
