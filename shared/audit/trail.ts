/**
 * Reading an org's audit trail: newest first, a page at a time. The events are spread over
 * AUDIT_SHARDS partitions (store/keys.ts; read by audit/store.ts), so a page reads the newest `limit` events of every shard
 * and keeps the newest `limit` of those. They are the org's newest `limit` (each of them is among
 * its own shard's newest `limit`), so every event still unseen, in whichever shard, is older than
 * the page's last one: that one position is where each shard's next page starts. The cursor carries
 * it (authenticated, crypto/cursor.ts: a client cannot point a Query elsewhere).
 */
import { issueCursor, openCursor } from '../crypto/cursor';
import { BadRequest, ErrorCode } from '../errors';
import type { OrgScope } from '../model/org-scope';
import type { AuditEvent } from './events';
import { newestInEachShard } from './store';

export async function auditTrail(scope: OrgScope, limit: number, cursor?: string): Promise<{ events: AuditEvent[]; nextCursor: string | null }> {
  const listing = { listing: 'audit-trail', orgId: scope } as const;
  const before = cursor ? positionIn(await openCursor(listing, cursor)) : undefined;
  const shards = await newestInEachShard(scope, limit, before);
  const newest = shards
    .flatMap((shard) => shard.entries)
    // A position is the event's sort key, `AUDIT#<time>#<id>`: time order across shards too.
    .sort((a, b) => (a.position < b.position ? 1 : a.position > b.position ? -1 : 0));
  const page = newest.slice(0, limit);
  // More to read: an event fetched but not shown, or a shard that stopped at its limit.
  const more = newest.length > limit || shards.some((shard) => shard.more);
  const last = page.at(-1);
  return {
    events: page.map((e) => e.event),
    nextCursor: more && last ? await issueCursor(listing, { before: last.position }) : null,
  };
}

function positionIn(key: Record<string, unknown>): string {
  if (typeof key.before !== 'string' || Object.keys(key).length !== 1) {
    // Only a cursor this listing issued gets here (its tag was checked): a former shape.
    throw new BadRequest(ErrorCode.invalidRequest, 'The cursor is not valid for this listing');
  }
  return key.before;
}
