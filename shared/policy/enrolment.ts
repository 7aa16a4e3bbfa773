/**
 * The enrolment report: an org's users with their verified second factors and whether each
 * satisfies the policy. One GSI Query per page: the profile item carries `enrolled`, kept in step
 * with the factor items by the same transactions that verify or remove a factor.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { BadRequest, ErrorCode } from '../errors';
import type { FactorKind } from '../factors/account';
import { db, tableName } from '../store/client';
import { keys } from '../store/keys';
import type { Role } from '../tokens/jwt';
import { getPolicy } from './policy';

export interface EnrolmentRow {
  userId: number;
  email: string;
  role: Role;
  methods: FactorKind[];
  satisfiesPolicy: boolean;
}

const encodeCursor = (key: Record<string, unknown>) => Buffer.from(JSON.stringify(key)).toString('base64url');

function decodeCursor(cursor: string, orgId: number): Record<string, unknown> {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    const expected = keys.orgUsersPartition(orgId);
    if (key.gsi1pk === expected && typeof key.gsi1sk === 'string' && typeof key.pk === 'string' && typeof key.sk === 'string') {
      return { pk: key.pk, sk: key.sk, gsi1pk: key.gsi1pk, gsi1sk: key.gsi1sk };
    }
  } catch {
    // fall through
  }
  throw new BadRequest(ErrorCode.invalidRequest, 'The cursor is not valid for this listing');
}

export async function enrolmentReport(orgId: number, limit: number, cursor?: string) {
  const policy = await getPolicy(orgId);
  const result = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.orgUsersPartition(orgId) },
      Limit: limit,
      ...(cursor && { ExclusiveStartKey: decodeCursor(cursor, orgId) }),
    }),
  );
  const users: EnrolmentRow[] = (result.Items ?? []).map((item) => {
    const methods = [...((item.enrolled as Set<FactorKind> | undefined) ?? [])].sort();
    const usable = methods.some((m) => m === 'recovery' || (policy.methods as string[]).includes(m));
    return { userId: item.userId, email: item.email, role: item.role, methods, satisfiesPolicy: !policy.forced || usable };
  });
  return { users, nextCursor: result.LastEvaluatedKey ? encodeCursor(result.LastEvaluatedKey) : undefined, policy };
}
