/**
 * The load benchmark's floor (test/bench/load/floor.ts) compares DynamoDB clients, so its figures
 * mean something only if every client makes the same calls: one verify request through each writes
 * the same three items (keys, attributes, sizes), each under its own partition.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '../../shared/store/client';
import { startFloor, type FloorClient } from '../bench/load/floor';

const CLIENTS: FloorClient[] = ['http', 'sdk', 'aws-lite'];

/** The items of the floor server's first request: its partition names the client and the server's pid. */
async function itemsOf(client: FloorClient, pid: number) {
  const { Items = [] } = await db().send(
    new QueryCommand({ TableName: tableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `FLOOR#${client}#${pid}#0` }, ConsistentRead: true }),
  );
  // The time differs; the rest must not.
  return Items.map(({ pk, sk, at, ...rest }) => ({ sk: String(sk), ...rest, at: typeof at })).sort((a, b) => a.sk.localeCompare(b.sk));
}

it('writes the same items through node:http, our SDK client and aws-lite', async () => {
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
  expect(written.http).toEqual([
    { sk: 'AUDIT', at: 'number', data: 'x'.repeat(290) },
    { sk: 'MFA', at: 'number', data: 'x'.repeat(10) },
    { sk: 'SESSION', at: 'number', data: 'x'.repeat(240) },
  ]);
  expect(written.sdk).toEqual(written.http);
  expect(written['aws-lite']).toEqual(written.http);
}, 90_000);
