/**
 * The audit trail's repository: the event item (an org's events spread over AUDIT_SHARDS partitions
 * by keys.audit, platform events in one) and the newest-first read of one shard.
 */
import { randomUUID } from 'node:crypto';
import { QueryCommand } from '../store/commands';
import { now } from '../clock';
import { db, tableName } from '../store/client';
import { AUDIT_SHARDS, keys } from '../store/keys';
import type { TransactItem } from '../store/transact';
import type { AuditEvent, AuditInput } from './events';

export function auditItem(input: AuditInput): Record<string, unknown> {
  const at = now().toISOString();
  const id = randomUUID();
  const p = input.actor.principal ?? input.actor.subject;
  const event: AuditEvent = {
    eventId: id,
    orgId: input.orgId,
    at,
    action: input.action,
    ...(p && { actorId: p.userId, actorOrgId: p.orgId, actorRole: p.role }),
    ...(input.actor.principal?.actorId !== undefined && { act: { sub: String(input.actor.principal.actorId) } }),
    ...(input.actor.system && { actorSystem: input.actor.system }),
    ...(input.targetUserId !== undefined && { targetUserId: input.targetUserId }),
    ...(input.details && { details: input.details }),
    ...(input.policySequence !== undefined && { policySequence: input.policySequence }),
    ...(input.actor.sourceIp !== undefined && { sourceIp: input.actor.sourceIp }),
    ...(input.actor.userAgent !== undefined && { userAgent: input.actor.userAgent.slice(0, 512) }),
  };
  return { ...keys.audit(input.orgId, at, id), ...event };
}

/** The event as one item of a transaction (with the change it records). */
export const auditPut = (input: AuditInput): TransactItem => ({ Put: { TableName: tableName(), Item: auditItem(input) } });

/** An event with its place in its shard (the item's sort key): where a page of that shard stops. */
export interface ShardEntry {
  position: string;
  event: AuditEvent;
}

/** Per shard of the org's trail, its newest events (see newestInShard). */
export const newestInEachShard = (orgId: number, limit: number, before?: string) =>
  Promise.all(Array.from({ length: AUDIT_SHARDS }, (_, shard) => newestInShard(orgId, shard, limit, before)));

/** Up to `limit` events of one shard, newest first, older than `before` (a position) if given; `more`: the shard may hold older ones. */
async function newestInShard(
  orgId: number,
  shard: number,
  limit: number,
  before?: string,
): Promise<{ entries: ShardEntry[]; more: boolean }> {
  const pk = keys.auditShard(orgId, shard);
  const result = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': keys.auditPrefix },
      ScanIndexForward: false,
      Limit: limit,
      ...(before && { ExclusiveStartKey: { pk, sk: before } }),
    }),
  );
  const entries = (result.Items ?? []).map(({ pk: _pk, sk, ...event }) => ({ position: sk as string, event: event as AuditEvent }));
  return { entries, more: result.LastEvaluatedKey !== undefined };
}
