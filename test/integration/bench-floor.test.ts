/**
 * The load benchmark's floor (test/bench/load/floor.ts) compares DynamoDB clients, so its figures
 * mean something only if every client makes the same calls: one verify request through each writes
 * the same three items (keys, attributes, sizes), each under its own partition.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '../../shared/store/client';
import { startFloor, type FloorClient } from '../bench/load/floor';

const CLIENTS: FloorClient[] = ['http', 'sdk', 'aws-lite'];

async function itemsOf(client: FloorClient) {
  const { Items = [] } = await db().send(
    new ScanCommand({ TableName: tableName(), FilterExpression: 'begins_with(pk, :p)', ExpressionAttributeValues: { ':p': `FLOOR#${client}#` } }),
  );
  // The partition names the client and the server's pid; the time differs: the rest must not.
  return Items.map(({ pk, sk, at, ...rest }) => ({ sk: String(sk), ...rest, pk: typeof pk, at: typeof at })).sort((a, b) => a.sk.localeCompare(b.sk));
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
    written[client] = await itemsOf(client);
  }
  expect(written.http).toEqual([
    { sk: 'AUDIT', pk: 'string', at: 'number', data: 'x'.repeat(290) },
    { sk: 'MFA', pk: 'string', at: 'number', data: 'x'.repeat(10) },
    { sk: 'SESSION', pk: 'string', at: 'number', data: 'x'.repeat(240) },
  ]);
  expect(written.sdk).toEqual(written.http);
  expect(written['aws-lite']).toEqual(written.http);
}, 90_000);
