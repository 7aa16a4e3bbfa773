/**
 * GET /api/audit over a sharded trail: an org's events are spread over AUDIT_SHARDS partitions, and
 * the pages still list every event once, newest first, whatever the page size.
 */
import { cliActor } from '../../shared/audit/events';
import { auditPut } from '../../shared/audit/store';
import { AUDIT_SHARDS, keys } from '../../shared/store/keys';
import { transactWrite } from '../../shared/store/transact';
import { testClock } from '../support/clock';
import { accessToken, newOrg } from '../support/fixtures';
import { invoke } from '../support/invoke';

async function allPages(token: string, limit: number) {
  const pages: Array<Array<{ eventId: string; at: string }>> = [];
  let cursor: string | undefined;
  do {
    const response = await invoke('GET /api/audit', { token, query: { limit: String(limit), ...(cursor && { cursor }) } });
    expect(response.status).toBe(200);
    pages.push(response.body.data);
    cursor = response.body.nextCursor ?? undefined;
  } while (cursor);
  return pages;
}

it('pages every event of every shard once, newest first, with any page size', async () => {
  const org = await newOrg();
  const token = await accessToken(org.admin);
  const clock = testClock();
  try {
    // More events than shards, some in the same millisecond (the event id breaks the tie).
    for (let i = 0; i < 2 * AUDIT_SHARDS; i++) {
      if (i % 3 === 0) clock.advance(0.001);
      await transactWrite([auditPut({ orgId: org.orgId, action: 'recovery.generated', actor: cliActor('test'), details: { i } })]);
    }
  } finally {
    clock.restore();
  }
  const first = await allPages(token, 100);
  expect(first).toHaveLength(1);
  const all = first[0]!;
  const byTime = [...all].sort((a, b) => (`${a.at}#${a.eventId}` < `${b.at}#${b.eventId}` ? 1 : -1));
  expect(all.map((e) => e.eventId)).toEqual(byTime.map((e) => e.eventId));
  // The org's own events (its creation, its users) and the ones written here, over many shards.
  const shards = new Set(all.map((e) => keys.audit(org.orgId, e.at, e.eventId).pk));
  expect(shards.size).toBeGreaterThan(AUDIT_SHARDS / 2);

  for (const limit of [7, AUDIT_SHARDS + 1]) {
    const pages = await allPages(token, limit);
    expect(pages.slice(0, -1).every((page) => page.length === limit)).toBe(true);
    expect(pages.flat().map((e) => e.eventId)).toEqual(all.map((e) => e.eventId));
  }
});
