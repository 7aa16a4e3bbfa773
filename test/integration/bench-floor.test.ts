/**
 * The load benchmark's floor (test/bench/load/floor.ts) compares DynamoDB clients, so its figures
 * mean something only if every client makes the same calls: one verify request through each writes
 * the same items (keys, attributes, values), under partitions of its own, keyed as ours: the state
 * updated in the user's partition beside the session, the event in a shard of the trail.
 */
import { QueryCommand } from '../../shared/store/commands';
import { db, tableName } from '../../shared/store/client';
import { startFloor, type FloorClient } from '../bench/load/floor';

const CLIENTS: FloorClient[] = ['http', 'client', 'sdk'];

/** The partitions of the floor server's first verify (its first user's, and a shard of its trail), named by the client and the server's pid. */
async function itemsOf(client: FloorClient, pid: number) {
  const name = `${client}-${pid}`;
  const items = [];
  for (const partition of [`FLOOR#${name}#USER#1`, `FLOOR#${name}#AUDIT#1`]) {
    const { Items = [] } = await db().send(
      new QueryCommand({ TableName: tableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': partition }, ConsistentRead: true }),
    );
    items.push(...Items);
  }
  // The server's name and the event's time differ; the rest must not.
  return items
    .map(({ pk, sk, ...rest }) => ({ pk: String(pk).replace(name, '<name>'), sk: String(sk).replace(name, '<name>').replace(/^AUDIT#\d+#/, 'AUDIT#<time>#'), ...rest }))
    .sort((a, b) => a.sk.localeCompare(b.sk));
}

it('writes the same items through node:http, our client and the SDK’s document client', async () => {
  const written: Partial<Record<FloorClient, unknown[]>> = {};
  for (const client of CLIENTS) {
    const server = await startFloor(process.env, client);
    try {
      const res = await fetch(`${server.url}/verify`, { method: 'POST', body: JSON.stringify({ code: '123456' }) });
      expect(res.status).toBe(200);
    } finally {
      await server.stop();
    }
    written[client] = await itemsOf(client, server.child.pid!);
  }
  // As ours: the account read, its second-factor state updated on its condition (the step moved
  // forward, failures reset), a session beside them and an audit event, 14 attributes each.
  const items = written.http as Record<string, unknown>[];
  expect(items.map((i) => `${i.pk} ${i.sk}`)).toEqual([
    'FLOOR#<name>#AUDIT#1 AUDIT#<time>#1',
    'FLOOR#<name>#USER#1 FACTOR#totp',
    'FLOOR#<name>#USER#1 MFA',
    'FLOOR#<name>#USER#1 PROFILE',
    'FLOOR#<name>#USER#1 SESSION#<name>-1',
  ]);
  const [audit, , mfa, , session] = items;
  expect(mfa).toMatchObject({ failures: 0, lastTotpStep: 1 });
  expect([Object.keys(audit!).length, Object.keys(session!).length]).toEqual([14, 14]);
  expect(written.sdk).toEqual(written.http);
  expect(written.client).toEqual(written.http);
}, 90_000);
