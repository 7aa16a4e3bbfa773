/** Reading the audit trail: an org's events, newest first, a page at a time (cursor = last key). */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { BadRequest, ErrorCode } from '../errors';
import { db, tableName } from '../store/client';
import { keys } from '../store/keys';

export async function auditTrail(orgId: number, limit: number, cursor?: string) {
  const pk = keys.auditPartition(orgId);
  let start: Record<string, unknown> | undefined;
  if (cursor) {
    try {
      const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { pk?: unknown; sk?: unknown };
      if (key.pk === pk && typeof key.sk === 'string' && key.sk.startsWith(keys.auditPrefix)) start = { pk, sk: key.sk };
    } catch {
      // refused below
    }
    if (!start) throw new BadRequest(ErrorCode.invalidRequest, 'The cursor is not valid for this listing');
  }
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
  return { events, nextCursor: next ? Buffer.from(JSON.stringify({ pk: next.pk, sk: next.sk })).toString('base64url') : null };
}
