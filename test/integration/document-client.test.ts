/**
 * shared/store/client.ts: lib-dynamodb's document commands through a client that resolves each
 * command type's middleware once per process, against DynamoDB Local.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { db, tableName } from '../../shared/store/client';

const key = () => ({ pk: `DOCTEST#${randomUUID()}`, sk: 'ITEM' });

afterEach(() => jest.restoreAllMocks());

it('translates document values both ways, as DynamoDBDocumentClient does', async () => {
  const k = key();
  const item = { ...k, n: 42, s: 'text', set: new Set(['a', 'b']), map: { list: [1, 'two', { three: true }] }, dropped: undefined };
  await db().send(new PutCommand({ TableName: tableName(), Item: item }));
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: k, ConsistentRead: true }));
  expect(Item).toEqual({ ...k, n: 42, s: 'text', set: new Set(['a', 'b']), map: { list: [1, 'two', { three: true }] } });

  await db().send(
    new TransactWriteCommand({
      TransactItems: [
        { Update: { TableName: tableName(), Key: k, UpdateExpression: 'SET n = n + :one', ExpressionAttributeValues: { ':one': 1 } } },
        { Put: { TableName: tableName(), Item: { pk: k.pk, sk: 'OTHER', list: [new Set([1, 2])] } } },
      ],
    }),
  );
  const { Items } = await db().send(
    new QueryCommand({ TableName: tableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': k.pk }, ConsistentRead: true }),
  );
  expect(Items?.map((i) => [i.sk, i.n ?? i.list])).toEqual([
    ['ITEM', 43],
    ['OTHER', [new Set([1, 2])]],
  ]);
});

it('resolves the middleware of a command type once, for every later command of that type', async () => {
  const k = key();
  await db().send(new PutCommand({ TableName: tableName(), Item: { ...k, v: 0 } }));
  await db().send(new GetCommand({ TableName: tableName(), Key: k }));
  const resolve = jest.spyOn(GetItemCommand.prototype, 'resolveMiddleware');
  for (let v = 1; v <= 3; v++) {
    await db().send(new UpdateCommand({ TableName: tableName(), Key: k, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': v } }));
    // Each call answers for its own input, not the first command's.
    expect((await db().send(new GetCommand({ TableName: tableName(), Key: k, ConsistentRead: true }))).Item?.v).toBe(v);
  }
  expect(resolve).not.toHaveBeenCalled();
});

it('sees middleware added to the stack after calls, and stops running what is removed', async () => {
  const k = key();
  await db().send(new PutCommand({ TableName: tableName(), Item: k }));
  const seen: unknown[] = [];
  db().middlewareStack.add(
    (next, context) => async (args) => {
      // At `initialize`: the document values, before marshalling.
      seen.push([context.commandName, (args.input as { Key?: unknown }).Key]);
      return next(args);
    },
    { step: 'initialize', name: 'documentClientTest' },
  );
  await db().send(new GetCommand({ TableName: tableName(), Key: k }));
  expect(seen).toEqual([['GetItemCommand', k]]);
  db().middlewareStack.remove('documentClientTest');
  await db().send(new GetCommand({ TableName: tableName(), Key: k }));
  expect(seen).toHaveLength(1);
});

it('answers concurrent commands of one type each with its own result', async () => {
  const keys = Array.from({ length: 16 }, key);
  await Promise.all(keys.map((k, i) => db().send(new PutCommand({ TableName: tableName(), Item: { ...k, i } }))));
  const read = await Promise.all(keys.map((k) => db().send(new GetCommand({ TableName: tableName(), Key: k, ConsistentRead: true }))));
  expect(read.map((r) => r.Item?.i)).toEqual(keys.map((_, i) => i));
});
