/**
 * Items other modules build that ride along in a factor's transaction, placed in the table as
 * built: the session a login opens (tokens/sessions.ts) and the change's audit event (audit/events.ts).
 */
import { tableName } from '../store/client';
import type { TransactItem } from '../store/transact';

type Item = NonNullable<TransactItem['Put']>['Item'];

export const putAlongside = (item: Item): TransactItem => ({ Put: { TableName: tableName(), Item: item } });
