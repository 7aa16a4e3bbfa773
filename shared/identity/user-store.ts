/**
 * Orgs, users and the items that keep their names unique: the org (pk=ORG#<id> sk=ORG), its name
 * (pk=ORGNAME#<name>, case-insensitive), the user's profile (pk=USER#<id> sk=PROFILE, listed per
 * org through gsi1) and its email (pk=EMAIL#<email>). A uniqueness item is written in the same
 * transaction as what it names, on condition that it does not exist yet.
 *
 * The lifecycle's writes: a status or role change conditioned on the profile being what the caller
 * decided on (so two admins racing cannot both pass a guard), and the erasure of a user: a tombstone
 * (the profile stripped of personal data, out of the org's index) where the user's items do not fit
 * one transaction, then batch deletes of every item of the partition.
 */
import { BatchWriteCommand, GetCommand, QueryCommand, UpdateCommand } from '../store/commands';
import { db, tableName } from '../store/client';
import { keys, type Key } from '../store/keys';
import type { TransactItem } from '../store/transact';
import { conditionally, LostRace } from '../store/conditions';
import type { Org, Role, User, UserRecord, UserStatus } from '../model/user';

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
   * Stores a new user (listed in its org), for a transaction; fails if its id is taken. No hash:
   * invited. `factors`: the summary of the factors it arrives with (an import with a TOTP secret).
   */
  put(user: User, passwordHash?: string, factors?: Pick<UserRecord, 'enrolled' | 'preferredMethod'>): TransactItem {
    return putNew({ ...keys.user(user.userId), ...keys.orgUsersIndex(user.orgId, user.userId), ...user, ...(passwordHash && { passwordHash }), ...factors });
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

  /** Sets an active user's password, for a transaction; fails unless the user exists and is active. */
  setPassword(userId: number, passwordHash: string, language?: string): TransactItem {
    return {
      Update: {
        TableName: tableName(),
        Key: keys.user(userId),
        ConditionExpression: `attribute_exists(pk) AND ${ACTIVE}`,
        UpdateExpression: `SET passwordHash = :hash${language ? ', #language = :language' : ''}`,
        ExpressionAttributeNames: { '#status': 'status', ...(language && { '#language': 'language' }) },
        ExpressionAttributeValues: { ':hash': passwordHash, ':active': 'active', ...(language && { ':language': language }) },
      },
    };
  },

  /** An invited user becomes active with the password they chose, for a transaction; fails unless invited. */
  activate(userId: number, passwordHash: string, language?: string): TransactItem {
    return {
      Update: {
        TableName: tableName(),
        Key: keys.user(userId),
        ConditionExpression: '#status = :invited',
        UpdateExpression: `SET passwordHash = :hash, #status = :active${language ? ', #language = :language' : ''}`,
        ExpressionAttributeNames: { '#status': 'status', ...(language && { '#language': 'language' }) },
        ExpressionAttributeValues: { ':hash': passwordHash, ':invited': 'invited', ':active': 'active', ...(language && { ':language': language }) },
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

  /**
   * A transaction's proof that the user exists and may sign in: a login's session write carries it,
   * so no session starts after a deactivation or deletion has committed.
   */
  assertActive(userId: number): TransactItem {
    return {
      ConditionCheck: {
        TableName: tableName(),
        Key: keys.user(userId),
        ConditionExpression: `attribute_exists(pk) AND ${ACTIVE}`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':active': 'active' },
      },
    };
  },

  /**
   * A transaction's proof that this user is still an active admin: deactivating, demoting or erasing
   * an org's admin checks another one stays, and two admins doing that to each other at once cannot
   * both succeed (the transactions touch each other's profiles, so one fails).
   */
  assertActiveAdmin(userId: number): TransactItem {
    return {
      ConditionCheck: {
        TableName: tableName(),
        Key: keys.user(userId),
        ConditionExpression: `attribute_exists(pk) AND attribute_not_exists(deletedAt) AND #role = :admin AND ${ACTIVE}`,
        ExpressionAttributeNames: { '#status': 'status', '#role': 'role' },
        ExpressionAttributeValues: { ':active': 'active', ':admin': 'admin' },
      },
    };
  },

  /**
   * Moves the user to `to` (and remembers `before`, the status a reactivation restores), on
   * condition that its role and status are still the ones the caller checked its guards against.
   */
  setStatus(user: UserRecord, to: UserStatus, before?: UserStatus): TransactItem {
    return update(user, `SET #status = :to${before ? ', statusBefore = :before' : ''}${before ? '' : ' REMOVE statusBefore'}`, {
      ':to': to,
      ...(before && { ':before': before }),
    });
  },

  /** Moves the user to a new email (its uniqueness item written alongside), on condition the old one is still theirs. */
  setEmail(userId: number, from: string, to: string): TransactItem {
    return {
      Update: {
        TableName: tableName(),
        Key: keys.user(userId),
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deletedAt) AND email = :from',
        UpdateExpression: 'SET email = :to',
        ExpressionAttributeValues: { ':from': from, ':to': to },
      },
    };
  },

  /** Changes the user's role, on the same condition as setStatus. */
  setRole(user: UserRecord, role: Role): TransactItem {
    return update(user, 'SET #role = :to', { ':to': role });
  },

  /**
   * The tombstone of a user being erased: the profile keeps its id, org and role (so a retry can
   * check who may finish the erasure) and nothing personal; out of the org's index; unable to sign in.
   */
  tombstone(user: UserRecord, at: Date): TransactItem {
    return update(
      user,
      'SET #status = :to, deletedAt = :at REMOVE email, passwordHash, gsi1pk, gsi1sk, enrolled, preferredMethod, statusBefore',
      { ':to': 'deactivated', ':at': at.toISOString() },
    );
  },

  /** Deletes the profile, on the same condition as setStatus (erasure in one transaction). */
  remove(user: UserRecord): TransactItem {
    const { Update } = update(user, '', {});
    const { UpdateExpression: _, ...rest } = Update!;
    return { Delete: rest };
  },

  /** Frees the user's email for someone else, for a transaction; only while it is this user's. */
  releaseEmail(email: string, userId: number): TransactItem {
    return {
      Delete: {
        TableName: tableName(),
        Key: keys.email(email),
        ConditionExpression: 'userId = :id',
        ExpressionAttributeValues: { ':id': userId },
      },
    };
  },

  /**
   * The keys of every item erasing the user deletes (consistent, every page): the user's partition,
   * and the owner items of the passkeys imported for them, which live in partitions of their own.
   */
  async erasableKeys(userId: number): Promise<Key[]> {
    const found: Key[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db().send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.userPartition(userId) },
          ProjectionExpression: 'pk, sk, credentialId, userHandle',
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        found.push({ pk: item.pk as string, sk: item.sk as string });
        if (item.userHandle !== undefined) found.push(keys.importedPasskey(item.credentialId as string));
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return found;
  },

  /** Deletes items, for a transaction (unconditional: erasing what is gone already is fine). */
  deleteItem(key: Key): TransactItem {
    return { Delete: { TableName: tableName(), Key: { pk: key.pk, sk: key.sk } } };
  },

  /** Deletes items in batches of 25 (idempotent), retrying what DynamoDB leaves unprocessed. */
  async deleteItems(items: Key[]): Promise<void> {
    for (let i = 0; i < items.length; i += 25) {
      let requests = items.slice(i, i + 25).map((k) => ({ DeleteRequest: { Key: { pk: k.pk, sk: k.sk } } }));
      for (let attempt = 0; requests.length; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
        const result = await db().send(new BatchWriteCommand({ RequestItems: { [tableName()]: requests } }));
        requests = (result.UnprocessedItems?.[tableName()] ?? []) as typeof requests;
        if (attempt >= 8 && requests.length) throw new Error('DynamoDB left deletes unprocessed after retries');
      }
    }
  },
};

/** Items written before the lifecycle have no status: active. */
const ACTIVE = '(attribute_not_exists(#status) OR #status = :active)';

/** An update of the profile on condition that role and status are what the caller read (and it is not a tombstone). */
function update(user: UserRecord, expression: string, values: Record<string, unknown>): TransactItem {
  const status = user.status ?? 'active';
  return {
    Update: {
      TableName: tableName(),
      Key: keys.user(user.userId),
      UpdateExpression: expression,
      ConditionExpression: `attribute_exists(pk) AND attribute_not_exists(deletedAt) AND #role = :role AND ${
        status === 'active' ? ACTIVE : '#status = :status'
      }`,
      ExpressionAttributeNames: { '#status': 'status', '#role': 'role' },
      ExpressionAttributeValues: { ...values, ':role': user.role, ...(status === 'active' ? { ':active': 'active' } : { ':status': status }) },
    },
  };
}
