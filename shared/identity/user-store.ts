/**
 * Orgs, users and the items that keep their names unique: the org (pk=ORG#<id> sk=ORG), its name
 * (pk=ORGNAME#<name>, case-insensitive), the user's profile (pk=USER#<id> sk=PROFILE, listed per
 * org through gsi1) and its email (pk=EMAIL#<email>). A uniqueness item is written in the same
 * transaction as what it names, on condition that it does not exist yet.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
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

  /** Stores a new user (listed in its org), for a transaction; fails if its id is taken. No hash: invited. */
  put(user: User, passwordHash?: string): TransactItem {
    return putNew({ ...keys.user(user.userId), ...keys.orgUsersIndex(user.orgId, user.userId), ...user, ...(passwordHash && { passwordHash }) });
  },

  /** Sets an active user's password, for a transaction; fails unless the user exists and is active. */
  setPassword(userId: number, passwordHash: string): TransactItem {
    return {
      Update: {
        TableName: tableName(),
        Key: keys.user(userId),
        ConditionExpression: `attribute_exists(pk) AND ${ACTIVE}`,
        UpdateExpression: 'SET passwordHash = :hash',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':hash': passwordHash, ':active': 'active' },
      },
    };
  },

  /** An invited user becomes active with the password they chose, for a transaction; fails unless invited. */
  activate(userId: number, passwordHash: string): TransactItem {
    return {
      Update: {
        TableName: tableName(),
        Key: keys.user(userId),
        ConditionExpression: '#status = :invited',
        UpdateExpression: 'SET passwordHash = :hash, #status = :active',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':hash': passwordHash, ':invited': 'invited', ':active': 'active' },
      },
    };
  },

  /** A transaction's proof that the user exists and has this status (absent counts as active). */
  assertStatus(userId: number, status: 'invited' | 'active'): TransactItem {
    return {
      ConditionCheck: {
        TableName: tableName(),
        Key: keys.user(userId),
        ConditionExpression: status === 'active' ? `attribute_exists(pk) AND ${ACTIVE}` : '#status = :invited',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: status === 'active' ? { ':active': 'active' } : { ':invited': 'invited' },
      },
    };
  },
};

/** Items written before the lifecycle have no status: active. */
const ACTIVE = '(attribute_not_exists(#status) OR #status = :active)';
