/**
 * The enrolment report: an org's users with their verified second factors and whether each
 * satisfies the policy. One GSI Query per page: the profile item carries `enrolled`, kept in step
 * with the factor items by the same transactions that verify or remove a factor.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { FactorKind } from '../factors/account';
import { db, tableName } from '../store/client';
import { issueCursor, openCursor } from '../crypto/cursor';
import { keys } from '../store/keys';
import type { Role } from '../model/user';
import { getPolicy } from './policy';

export interface EnrolmentRow {
  userId: number;
  email: string;
  role: Role;
  methods: FactorKind[];
  satisfiesPolicy: boolean;
}

export async function enrolmentReport(orgId: number, limit: number, cursor?: string) {
  const scope = { listing: 'enrolment-report', orgId } as const;
  const start = cursor ? await openCursor(scope, cursor) : undefined;
  const policy = await getPolicy(orgId);
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
  const users: EnrolmentRow[] = (result.Items ?? []).map((item) => {
    const methods = [...((item.enrolled as Set<FactorKind> | undefined) ?? [])].sort();
    const usable = methods.some((m) => m === 'recovery' || (policy.methods as string[]).includes(m));
    return { userId: item.userId, email: item.email, role: item.role, methods, satisfiesPolicy: !policy.forced || usable };
  });
  const nextCursor = result.LastEvaluatedKey ? await issueCursor(scope, result.LastEvaluatedKey) : undefined;
  return { users, nextCursor, policy };
}
