/**
 * The load benchmark's floor (test/bench/load/floor.ts) compares DynamoDB clients, so its figures
 * mean something only if every client makes the same calls: one verify request through each writes
 * the same three items (keys, attributes, values), under partitions of its own.
 */
import { QueryCommand } from '../../shared/store/commands';
import { db, tableName } from '../../shared/store/client';
import { startFloor, type FloorClient } from '../bench/load/floor';

const CLIENTS: FloorClient[] = ['http', 'client', 'sdk'];

/** The items of the floor server's first request: its partitions name the client and the server's pid. */
async function itemsOf(client: FloorClient, pid: number) {
  const pk = `FLOOR#${client}#${pid}#0`;
  const items = [];
  for (const partition of [pk, `${pk}#AUDIT`]) {
    const { Items = [] } = await db().send(
      new QueryCommand({ TableName: tableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': partition }, ConsistentRead: true }),
    );
    items.push(...Items);
  }
  // The partition and the time step differ; the rest must not.
  return items
    .map(({ pk: _pk, sk, lastTotpStep, ...rest }) => ({ sk: String(sk), ...rest, ...(lastTotpStep !== undefined && { lastTotpStep: typeof lastTotpStep }) }))
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
  // As ours: the second-factor state updated on its condition, a session and an audit event of 14 attributes each.
  const [audit, mfa, session] = written.http as Record<string, unknown>[];
  expect(mfa).toEqual({ sk: 'MFA', failures: 0, lastTotpStep: 'number' });
  expect([audit!.sk, Object.keys(audit!).length + 1, session!.sk, Object.keys(session!).length + 1]).toEqual(['AUDIT', 14, 'SESSION', 14]);
  expect(written.sdk).toEqual(written.http);
  expect(written.client).toEqual(written.http);
}, 90_000);
