/** The repository of the wrapped data key (`CONFIG/DATA_KEY`): written once, by the first cold start. */
import { GetCommand, PutCommand } from '../store/commands';
import { db, tableName } from '../store/client';
import { conditionally } from '../store/conditions';
import { keys } from '../store/keys';

/** The wrapped key (base64), if one was stored. */
export async function read(): Promise<string | undefined> {
  const stored = await db().send(new GetCommand({ TableName: tableName(), Key: keys.dataKey(), ConsistentRead: true }));
  return stored.Item?.wrapped as string | undefined;
}

/** Stores the wrapped key unless one exists: LostRace when another cold start stored its own first. */
export async function create(wrapped: string): Promise<void> {
  await conditionally(() =>
    db().send(
      new PutCommand({ TableName: tableName(), Item: { ...keys.dataKey(), wrapped }, ConditionExpression: 'attribute_not_exists(pk)' }),
    ),
  );
}
