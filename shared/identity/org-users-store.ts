/**
 * An org's users, by id: the one Query of index gsi1 (store/keys.ts). The index holds only the
 * attributes the enrolment report and the users list read (infra/table.ts), never a password hash.
 */
import { QueryCommand } from '../store/commands';
import type { FactorKind } from '../factors/account';
import type { Role, UserStatus } from '../model/user';
import type { StartKey } from '../crypto/cursor';
import { db, tableName } from '../store/client';
import { keys } from '../store/keys';

export interface OrgUser {
  userId: number;
  email: string;
  role: Role;
  status: UserStatus;
  createdAt: string;
  /** The kinds of the user's verified factors, kept in step by the transactions that verify or remove one. */
  enrolled: FactorKind[];
}

/** Items written before the lifecycle have no status: they count as active. */
const statusCondition = (status: UserStatus) => (status === 'active' ? '(attribute_not_exists(#status) OR #status = :status)' : '#status = :status');

export interface OrgUsersFilter {
  status?: UserStatus;
  role?: Role;
}

/**
 * A page of the org's users; with a filter, only those of that status and/or role (a filter after
 * the read: a page may hold fewer than `limit` users and still have a next one).
 */
export async function orgUsersPage(
  orgId: number,
  limit: number,
  start?: StartKey,
  filter: OrgUsersFilter = {},
): Promise<{ users: OrgUser[]; last?: StartKey }> {
  const { status, role } = filter;
  const conditions = [...(status ? [statusCondition(status)] : []), ...(role ? ['#role = :role'] : [])];
  const result = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.orgUsersPartition(orgId), ...(status && { ':status': status }), ...(role && { ':role': role }) },
      ...(conditions.length > 0 && {
        FilterExpression: conditions.join(' AND '),
        ExpressionAttributeNames: { ...(status && { '#status': 'status' }), ...(role && { '#role': 'role' }) },
      }),
      Limit: limit,
      ...(start && { ExclusiveStartKey: start }),
    }),
  );
  const users = (result.Items ?? []).map((item) => ({
    userId: item.userId as number,
    email: item.email as string,
    role: item.role as Role,
    status: (item.status as UserStatus | undefined) ?? 'active',
    createdAt: item.createdAt as string,
    enrolled: [...((item.enrolled as Set<FactorKind> | undefined) ?? [])].sort(),
  }));
  return { users, ...(result.LastEvaluatedKey && { last: result.LastEvaluatedKey as StartKey }) };
}

/**
 * Another active admin of the org than `except`, if there is one: pages through the org's users
 * until it finds one (an org's admins are usually among its first users; a large org without
 * another admin reads its whole index once).
 */
export async function anotherActiveAdmin(orgId: number, except: number): Promise<number | undefined> {
  let start: StartKey | undefined;
  do {
    const result = await db().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        FilterExpression: '#role = :admin AND (attribute_not_exists(#status) OR #status = :active) AND userId <> :except',
        ExpressionAttributeNames: { '#role': 'role', '#status': 'status' },
        ExpressionAttributeValues: { ':pk': keys.orgUsersPartition(orgId), ':admin': 'admin', ':active': 'active', ':except': except },
        ProjectionExpression: 'userId',
        ...(start && { ExclusiveStartKey: start }),
      }),
    );
    const found = result.Items?.[0];
    if (found) return found.userId as number;
    start = result.LastEvaluatedKey as StartKey | undefined;
  } while (start);
  return undefined;
}
