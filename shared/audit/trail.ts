/** Reading the audit trail: an org's events, newest first, a page at a time (cursor = the last key, authenticated). */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '../store/client';
import { issueCursor, openCursor } from '../crypto/cursor';
import { keys } from '../store/keys';

export async function auditTrail(orgId: number, limit: number, cursor?: string) {
  const pk = keys.auditPartition(orgId);
  const scope = { listing: 'audit-trail', orgId } as const;
  const start = cursor ? await openCursor(scope, cursor) : undefined;
  const result = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': keys.auditPrefix },
      ScanIndexForward: false,
      Limit: limit,
      ...(start && { ExclusiveStartKey: start }),
    }),
  );
  const events = (result.Items ?? []).map(({ pk: _pk, sk: _sk, ...event }) => event);
  const next = result.LastEvaluatedKey;
  return { events, nextCursor: next ? await issueCursor(scope, next) : null };
}
