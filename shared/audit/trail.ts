/**
 * Reading an org's audit trail: newest first, a page at a time. The events are spread over
 * AUDIT_SHARDS partitions (store/keys.ts), so a page reads the newest `limit` of each shard still
 * open, merges them by time and keeps the newest `limit`. The cursor (authenticated, crypto/cursor.ts)
 * carries each open shard's position: the last event of it the client has seen, or TOP for a shard
 * none of whose events were shown yet; a shard read to its end leaves the cursor.
 */
import { issueCursor, openCursor, type StartKey } from '../crypto/cursor';
import { BadRequest, ErrorCode } from '../errors';
import type { OrgScope } from '../model/org-scope';
import { AUDIT_SHARDS } from '../store/keys';
import type { AuditEvent } from './events';
import { newestInShard } from './store';

const TOP = 'top';

export async function auditTrail(scope: OrgScope, limit: number, cursor?: string): Promise<{ events: AuditEvent[]; nextCursor: string | null }> {
  const listing = { listing: 'audit-trail', orgId: scope } as const;
  const positions = cursor ? shardPositions(await openCursor(listing, cursor)) : Array.from({ length: AUDIT_SHARDS }, (_, shard) => ({ shard, at: TOP }));
  const pages = await Promise.all(
    positions.map(async ({ shard, at }) => ({ shard, at, ...(await newestInShard(scope, shard, limit, at === TOP ? undefined : at)) })),
  );
  const page = pages
    .flatMap(({ shard, entries }) => entries.map((entry) => ({ shard, ...entry })))
    // A position is the event's sort key, `AUDIT#<time>#<id>`: newest first across shards too.
    .sort((a, b) => (a.position < b.position ? 1 : a.position > b.position ? -1 : 0))
    .slice(0, limit);
  const next: StartKey = {};
  for (const { shard, at, entries, more } of pages) {
    const shown = page.filter((e) => e.shard === shard);
    if (shown.length === entries.length && !more) continue; // read to its end
    next[shard] = shown.at(-1)?.position ?? at;
  }
  return {
    events: page.map((e) => e.event),
    nextCursor: Object.keys(next).length ? await issueCursor(listing, next) : null,
  };
}

/** The open shards a cursor names (a cursor this deployment issued: its tag was checked). */
function shardPositions(key: StartKey): Array<{ shard: number; at: string }> {
  return Object.entries(key).map(([name, at]) => {
    const shard = Number(name);
    if (!Number.isInteger(shard) || shard < 0 || shard >= AUDIT_SHARDS || typeof at !== 'string') {
      // Only a cursor of a deployment with another shard count gets here.
      throw new BadRequest(ErrorCode.invalidRequest, 'The cursor is not valid for this listing');
    }
    return { shard, at };
  });
}
