/**
 * Orgs, users and the items that keep their names unique: the org (pk=ORG#<id> sk=ORG), its name
 * (pk=ORGNAME#<name>, case-insensitive), the user's profile (pk=USER#<id> sk=PROFILE, listed per
 * org through gsi1) and its email (pk=EMAIL#<email>). A uniqueness item is written in the same
 * transaction as what it names, on condition that it does not exist yet.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionally, LostRace } from '../store/conditions';
import { db, tableName } from '../store/client';
import { keys, type Key } from '../store/keys';
import type { TransactItem } from '../store/transact';
import type { Org, User, UserRecord } from '../model/user';

const get = async (key: Key, consistent?: boolean) =>
  (await db().send(new GetCommand({ TableName: tableName(), Key: key, ...(consistent && { ConsistentRead: true }) }))).Item;

/** A Put that fails if the item exists already. */
const putNew = (item: Key & Record<string, unknown>): TransactItem => ({
  Put: { TableName: tableName(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' },
});

export const orgStore = {
  async get(orgId: number): Promise<Org | undefined> {
    return (await get(keys.org(orgId))) as Org | undefined;
  },

  /** The id of the org with this name (consistent read), if any. */
  async idByName(name: string): Promise<number | undefined> {
    return (await get(keys.orgName(name), true))?.orgId as number | undefined;
  },

  /** Claims the org's name, for a transaction; fails if another org has it. */
  claimName(name: string, orgId: number): TransactItem {
    return putNew({ ...keys.orgName(name), orgId });
  },

  /** Stores a new org, for a transaction; fails if its id is taken. */
  put(org: Org): TransactItem {
    return putNew({ ...keys.org(org.orgId), ...org });
  },

  /** A transaction's proof that the org exists. */
  assertExists(orgId: number): TransactItem {
    return { ConditionCheck: { TableName: tableName(), Key: keys.org(orgId), ConditionExpression: 'attribute_exists(pk)' } };
  },
};

export const userStore = {
  async get(userId: number): Promise<UserRecord | undefined> {
    return (await get(keys.user(userId))) as UserRecord | undefined;
  },

  async idByEmail(email: string): Promise<number | undefined> {
    return (await get(keys.email(email)))?.userId as number | undefined;
  },

  /** Claims the email for the user, for a transaction; fails if another user has it. */
  claimEmail(email: string, userId: number): TransactItem {
    return putNew({ ...keys.email(email), userId });
  },

  /**
   * Stores a new user (listed in its org), for a transaction; fails if its id is taken. `factors`:
   * the summary of factors it arrives with (an import with a TOTP secret).
   */
  put(user: User, passwordHash: string, factors?: Pick<UserRecord, 'enrolled' | 'preferredMethod'>): TransactItem {
    return putNew({ ...keys.user(user.userId), ...keys.orgUsersIndex(user.orgId, user.userId), ...user, passwordHash, ...factors });
  },

  /** Replaces the password hash if it is still `expected`; answers whether it did. */
  async replacePasswordHash(userId: number, expected: string, next: string): Promise<boolean> {
    try {
      await conditionally(() =>
        db().send(
          new UpdateCommand({
            TableName: tableName(),
            Key: keys.user(userId),
            UpdateExpression: 'SET passwordHash = :next',
            ConditionExpression: 'passwordHash = :expected',
            ExpressionAttributeValues: { ':next': next, ':expected': expected },
          }),
        ),
      );
      return true;
    } catch (error) {
      if (error instanceof LostRace) return false;
      throw error;
    }
  },
};
