/** Every audit event of an org as stored, read straight from its partitions (all its shards). */
import { QueryCommand } from '../../shared/store/commands';
import { db, tableName } from '../../shared/store/client';
import { keys } from '../../shared/store/keys';

export async function storedAuditEvents(orgId: number): Promise<Record<string, unknown>[]> {
  const shards = await Promise.all(
    keys.auditShards(orgId).map((pk) =>
      db().send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': keys.auditPrefix },
          ConsistentRead: true,
        }),
      ),
    ),
  );
  return shards.flatMap((result) => result.Items ?? []);
}
