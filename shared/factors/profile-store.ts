/**
 * The user's profile carries a summary of its factors: `enrolled` (a string set of verified kinds,
 * read by the enrolment report through the GSI) and `preferredMethod` (the Ziik `method`). It is
 * updated in the same transactions that change the factors, so it never drifts from them.
 */
import type { Method } from '../policy/policy';
import { tableName } from '../store/client';
import { keys } from '../store/keys';
import type { TransactItem } from '../store/transact';
import type { FactorKind } from './account';

export function profileUpdate(userId: number, change: { verified?: FactorKind; unverified?: FactorKind[]; preferred?: Method | null }): TransactItem {
  const set: string[] = [];
  const remove: string[] = [];
  const values: Record<string, unknown> = {};
  const clauses: string[] = [];
  if (change.preferred === null) remove.push('preferredMethod');
  else if (change.preferred) {
    set.push('preferredMethod = :preferred');
    values[':preferred'] = change.preferred;
  }
  if (set.length) clauses.push(`SET ${set.join(', ')}`);
  if (remove.length) clauses.push(`REMOVE ${remove.join(', ')}`);
  if (change.verified) {
    clauses.push('ADD enrolled :verified');
    values[':verified'] = new Set([change.verified]);
  }
  if (change.unverified?.length) {
    clauses.push('DELETE enrolled :unverified');
    values[':unverified'] = new Set(change.unverified);
  }
  return {
    Update: {
      TableName: tableName(),
      Key: keys.user(userId),
      UpdateExpression: clauses.join(' '),
      ConditionExpression: 'attribute_exists(pk)',
      ...(Object.keys(values).length && { ExpressionAttributeValues: values }),
    },
  };
}
