/**
 * The signing keys (pk=SIGNING_KEYS sk=KEY#<padded seq>): one partition, read newest first. A key's
 * sequence number is claimed with a conditional Put, so of two processes creating the same one,
 * one does. A retired key gets an `expiresAt` (TTL): when it leaves the JWKS.
 */
import { PutCommand, QueryCommand } from '../store/commands';
import { db, tableName } from '../store/client';
import { conditionally, LostRace } from '../store/conditions';
import { keys } from '../store/keys';
import type { TransactItem } from '../store/transact';
import type { StoredKey } from './signing-keys';

const putNew = (key: StoredKey) => ({
  TableName: tableName(),
  Item: { ...keys.signingKey(key.seq), ...key },
  ConditionExpression: 'attribute_not_exists(pk)',
});

export const signingKeyStore = {
  /** Every stored key, newest first (consistent read; retired ones too, until TTL deletes them). */
  async newestFirst(): Promise<StoredKey[]> {
    const result = await db().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.signingKeysPartition },
        ScanIndexForward: false,
        ConsistentRead: true,
      }),
    );
    return result.Items as StoredKey[];
  },

  /** Stores a new key; false when another process claimed its sequence number first. */
  async create(key: StoredKey): Promise<boolean> {
    try {
      await conditionally(() => db().send(new PutCommand(putNew(key))));
      return true;
    } catch (error) {
      if (error instanceof LostRace) return false;
      throw error;
    }
  },

  /** Stores a new key, for a transaction; fails if its sequence number is taken. */
  add(key: StoredKey): TransactItem {
    return { Put: putNew(key) };
  },

  /** Schedules a key to leave the JWKS at `retireAt` (epoch seconds), for a transaction. */
  retire(key: StoredKey, retireAt: number): TransactItem {
    return {
      Update: {
        TableName: tableName(),
        Key: keys.signingKey(key.seq),
        UpdateExpression: 'SET expiresAt = :retire',
        ExpressionAttributeValues: { ':retire': retireAt },
      },
    };
  },
};
