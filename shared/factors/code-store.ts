/**
 * The repository of one-time codes sent to the user (SMS, email): one item per channel (`CODE#SMS`,
 * `CODE#EMAIL`, one at a time: a new send replaces it), read with the account. Its conditions make a
 * code single-use, bounded in attempts and dead after its expiry, even under concurrent requests.
 */
import { UpdateCommand } from '../store/commands';
import { db, tableName } from '../store/client';
import { conditionally } from '../store/conditions';
import type { Key } from '../store/keys';
import type { TransactItem } from '../store/transact';
import type { Account } from './account';

export interface CodeItem {
  codeHash: string;
  attempts: number;
  expiresAt: number;
}

/** The code last sent on this channel, as read with the account (expired or not). */
export const codeAt = (account: Account, key: Key): CodeItem | undefined => account.others.get(key.sk) as CodeItem | undefined;

/** Sends replace the previous code. */
export function putCode(key: Key, code: CodeItem, sentAt: Date): TransactItem {
  return { Put: { TableName: tableName(), Item: { ...key, ...code, sentAt: sentAt.toISOString() } } };
}

export function deleteCode(key: Key): TransactItem {
  return { Delete: { TableName: tableName(), Key: key } };
}

/** Consuming the code is the race gate: of two requests with the right code, one deletes it. */
export function consumeCode(key: Key, codeHash: string, maxAttempts: number, nowSeconds: number): TransactItem {
  return {
    Delete: {
      TableName: tableName(),
      Key: key,
      ConditionExpression: 'codeHash = :h AND attempts < :max AND expiresAt > :now',
      ExpressionAttributeValues: { ':h': codeHash, ':max': maxAttempts, ':now': nowSeconds },
    },
  };
}

/** A wrong try uses up one of this code's attempts (a conditional ADD, so racing tries all count); LostRace once the code is replaced or gone. */
export async function spendAttempt(key: Key, codeHash: string): Promise<void> {
  await conditionally(() =>
    db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: key,
        UpdateExpression: 'ADD attempts :one',
        ConditionExpression: 'codeHash = :h',
        ExpressionAttributeValues: { ':one': 1, ':h': codeHash },
      }),
    ),
  );
}

/** Deletes this code, unless a newer one replaced it meanwhile (for a transaction). */
export function discardCode(key: Key, codeHash: string): TransactItem {
  return {
    Delete: {
      TableName: tableName(),
      Key: key,
      ConditionExpression: 'codeHash = :h',
      ExpressionAttributeValues: { ':h': codeHash },
    },
  };
}
