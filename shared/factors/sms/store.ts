/**
 * The repository of the SMS factor: the factor item (`FACTOR#SMS`, the sealed number) and the code
 * last sent (`CODE#SMS`, one at a time: a new send replaces it), whose conditions make a code
 * single-use, bounded in attempts and dead after its expiry, even under concurrent requests.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '../../store/client';
import { conditionally } from '../../store/conditions';
import { keys, type Key } from '../../store/keys';
import type { TransactItem } from '../../store/transact';
import type { Account } from '../account';

/** What the factor item stores of a number: never the number itself. */
export interface StoredPhone {
  sealedPhone: string;
  maskedPhone: string;
  countryCode: string;
}

export interface SmsCodeItem {
  codeHash: string;
  attempts: number;
  expiresAt: number;
}

export const key = (userId: number): Key => keys.factor(userId, 'SMS');

/** Sets (or replaces) the user's number, unverified. */
export function putFactor(userId: number, phone: StoredPhone, at: Date): TransactItem {
  return {
    Put: { TableName: tableName(), Item: { ...key(userId), kind: 'sms', verified: false, ...phone, createdAt: at.toISOString() } },
  };
}

/** The code last sent, as read with the account (expired or not). */
export function codeOf(account: Account): SmsCodeItem | undefined {
  return account.others.get(keys.smsCode(account.user.userId).sk) as SmsCodeItem | undefined;
}

/** Sends replace the previous code. */
export function putCode(userId: number, code: SmsCodeItem, sentAt: Date): TransactItem {
  return { Put: { TableName: tableName(), Item: { ...keys.smsCode(userId), ...code, sentAt: sentAt.toISOString() } } };
}

export function deleteCode(userId: number): TransactItem {
  return { Delete: { TableName: tableName(), Key: keys.smsCode(userId) } };
}

/** Consuming the code is the race gate: of two requests with the right code, one deletes it. */
export function consumeCode(userId: number, codeHash: string, maxAttempts: number, nowSeconds: number): TransactItem {
  return {
    Delete: {
      TableName: tableName(),
      Key: keys.smsCode(userId),
      ConditionExpression: 'codeHash = :h AND attempts < :max AND expiresAt > :now',
      ExpressionAttributeValues: { ':h': codeHash, ':max': maxAttempts, ':now': nowSeconds },
    },
  };
}

/** A wrong try uses up one of this code's attempts (a conditional ADD, so racing tries all count); LostRace once the code is replaced or gone. */
export async function spendAttempt(userId: number, codeHash: string): Promise<void> {
  await conditionally(() =>
    db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.smsCode(userId),
        UpdateExpression: 'ADD attempts :one',
        ConditionExpression: 'codeHash = :h',
        ExpressionAttributeValues: { ':one': 1, ':h': codeHash },
      }),
    ),
  );
}

/** Deletes this code, unless a newer one replaced it meanwhile (for a transaction). */
export function discardCode(userId: number, codeHash: string): TransactItem {
  return {
    Delete: {
      TableName: tableName(),
      Key: keys.smsCode(userId),
      ConditionExpression: 'codeHash = :h',
      ExpressionAttributeValues: { ':h': codeHash },
    },
  };
}

/** Removes the user's number; LostRace when there is none (already removed by a concurrent request). */
export function removeFactor(userId: number): TransactItem {
  return { Delete: { TableName: tableName(), Key: key(userId), ConditionExpression: 'attribute_exists(pk)' } };
}
