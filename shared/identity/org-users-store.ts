/**
 * An org's users, by id: the one Query of index gsi1 (store/keys.ts). The index holds only the
 * attributes the enrolment report reads (infra/table.ts), never a password hash.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { FactorKind } from '../factors/account';
import type { Role } from '../model/user';
import type { StartKey } from '../crypto/cursor';
import { db, tableName } from '../store/client';
import { keys } from '../store/keys';

export interface OrgUser {
  userId: number;
  email: string;
  role: Role;
  /** The kinds of the user's verified factors, kept in step by the transactions that verify or remove one. */
  enrolled: FactorKind[];
}

export async function orgUsersPage(orgId: number, limit: number, start?: StartKey): Promise<{ users: OrgUser[]; last?: StartKey }> {
  const result = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.orgUsersPartition(orgId) },
      Limit: limit,
      ...(start && { ExclusiveStartKey: start }),
    }),
  );
  const users = (result.Items ?? []).map((item) => ({
    userId: item.userId as number,
    email: item.email as string,
    role: item.role as Role,
    enrolled: [...((item.enrolled as Set<FactorKind> | undefined) ?? [])].sort(),
  }));
  return { users, ...(result.LastEvaluatedKey && { last: result.LastEvaluatedKey as StartKey }) };
}
