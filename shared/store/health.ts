import { GetCommand } from './commands';
import { db, tableName } from './client';

/** One cheap read proves the table is reachable with this function's credentials. */
export async function checkTable(): Promise<void> {
  await db().send(new GetCommand({ TableName: tableName(), Key: { pk: 'HEALTH', sk: 'HEALTH' } }));
}
