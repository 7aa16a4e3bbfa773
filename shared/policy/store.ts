/** The org policy item's repository: one item per org (keys.policy), replaced whole on every change. */
import { GetCommand } from '../store/commands';
import { db, tableName } from '../store/client';
import { keys } from '../store/keys';
import type { TransactItem } from '../store/transact';
import type { Policy } from './policy';

/** The stored policy's attributes (absent: the org never changed its policy). */
export async function readPolicyItem(orgId: number, options: { consistent?: boolean } = {}): Promise<Partial<Policy> | undefined> {
  const result = await db().send(new GetCommand({ TableName: tableName(), Key: keys.policy(orgId), ConsistentRead: options.consistent }));
  if (!result.Item) return undefined;
  const { pk: _pk, sk: _sk, ...policy } = result.Item;
  return policy as Partial<Policy>;
}

/**
 * Writes the whole policy, holding only if nobody changed it since it was read: the stored sequence
 * is still `readSequence`, or (`readSequence` undefined) there is no item yet. Optimistic
 * concurrency: two admins changing the policy at once never lose an update.
 */
export function replacePolicyItem(next: Policy, readSequence: number | undefined): TransactItem {
  return {
    Put: {
      TableName: tableName(),
      Item: { ...keys.policy(next.orgId), ...next },
      ...(readSequence === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: '#sequence = :read',
            ExpressionAttributeNames: { '#sequence': 'sequence' },
            ExpressionAttributeValues: { ':read': readSequence },
          }),
    },
  };
}
