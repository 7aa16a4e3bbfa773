/**
 * The id counters (pk=COUNTER sk=org|user): positive integer ids for orgs and users, one atomic
 * UpdateItem with ADD each. Only creating an org or a user writes one, never a login.
 */
import { UpdateCommand } from '../store/commands';
import { db, tableName } from '../store/client';
import { keys } from '../store/keys';

export async function nextId(name: 'org' | 'user'): Promise<number> {
  const result = await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.counter(name),
      UpdateExpression: 'ADD #value :one',
      ExpressionAttributeNames: { '#value': 'value' },
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return result.Attributes!.value as number;
}
