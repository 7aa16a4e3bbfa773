/**
 * The repository of the user's second-factor state (`MFA` item): the race gate every success commits
 * under, and the conditional counting of failures. The rules (thresholds, lock lengths) are lockout.ts's.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '../store/commands';
import { db, tableName } from '../store/client';
import { LostRace } from '../store/conditions';
import { keys } from '../store/keys';
import { transactWrite, type TransactItem } from '../store/transact';
import type { Failure, MfaState } from './lockout';

/** What a success moves forward on the state, besides resetting the failures. */
export interface Advance {
  /** RFC 6238 §5.2: a code (time step) is accepted once; the step only moves forward. */
  totpStep?: number;
}

const UNLOCKED = '(attribute_not_exists(lockedUntil) OR lockedUntil <= :now)';

/**
 * The write every successful check commits under: the state is as it was read (no failure was
 * counted meanwhile, so a burst of parallel guesses cannot slip a right one past the lockout) and
 * not locked; it resets the failure count and records what the success advances.
 */
export function successGate(userId: number, read: MfaState, nowSeconds: number, advance: Advance = {}): TransactItem {
  const names: Record<string, string> = { '#failures': 'failures' };
  const values: Record<string, unknown> = { ':zero': 0, ':now': nowSeconds, ':read': read.failures };
  const assignments = ['#failures = :zero'];
  let condition = `(attribute_not_exists(#failures) OR #failures = :read) AND ${UNLOCKED}`;
  if (advance.totpStep !== undefined) {
    names['#lastTotpStep'] = 'lastTotpStep';
    values[':lastTotpStep'] = advance.totpStep;
    assignments.push('#lastTotpStep = :lastTotpStep');
    condition += ' AND (attribute_not_exists(#lastTotpStep) OR #lastTotpStep < :lastTotpStep)';
  }
  return {
    Update: {
      TableName: tableName(),
      Key: keys.mfaState(userId),
      UpdateExpression: `SET ${assignments.join(', ')} REMOVE lockedUntil`,
      ConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

/**
 * Counts one failure, only while the step is unlocked, with `alongside` (the lockout's audit event)
 * in the same transaction. Always a transaction, so it carries the request's session check
 * (store/transact.ts): a token whose session has ended cannot count failures against, and so lock
 * out, its user. Answers the state that refused the write, or undefined once counted.
 */
export async function countFailure(userId: number, failure: Failure, nowSeconds: number, alongside: TransactItem[] = []): Promise<MfaState | undefined> {
  const { read, lock } = failure;
  const update = lock
    ? {
        // Setting a lock depends on the exact count: compare-and-set on the count read.
        UpdateExpression: 'SET #failures = :next, lockedUntil = :lock',
        ConditionExpression: `${UNLOCKED} AND ${read === 0 ? '(attribute_not_exists(#failures) OR #failures = :read)' : '#failures = :read'}`,
        ExpressionAttributeValues: { ':now': nowSeconds, ':next': failure.failures, ':read': read, ':lock': lock },
      }
    : {
        // Below the threshold failures commute: count without a compare, as long as no lock is due.
        UpdateExpression: 'ADD #failures :one',
        ConditionExpression: `${UNLOCKED} AND (attribute_not_exists(#failures) OR #failures < :below)`,
        ExpressionAttributeValues: { ':now': nowSeconds, ':one': 1, ':below': failure.countBelow },
      };
  try {
    await transactWrite([
      {
        Update: {
          TableName: tableName(),
          Key: keys.mfaState(userId),
          ExpressionAttributeNames: { '#failures': 'failures' },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...update,
        },
      },
      ...alongside,
    ]);
    return undefined;
  } catch (error) {
    if (!(error instanceof LostRace)) throw error;
    // The item as it refused the write comes back with the cancellation (ALL_OLD, raw attribute values).
    const refused = error.lost(0) ? error.refused[0] : undefined;
    if (refused) return stateOf(refused);
    // Refused without the item (it is gone, or contention outlasted the retries): read it.
    const current = await db().send(new GetCommand({ TableName: tableName(), Key: keys.mfaState(userId), ConsistentRead: true }));
    const item = current.Item as Partial<MfaState> | undefined;
    return { failures: item?.failures ?? 0, lockedUntil: item?.lockedUntil };
  }
}

/** An admin reset: failures, lock and last TOTP step gone. */
export function reset(userId: number): TransactItem {
  return { Delete: { TableName: tableName(), Key: keys.mfaState(userId) } };
}

const stateOf = (item: Record<string, AttributeValue>): MfaState => ({
  failures: Number(item.failures?.N ?? 0),
  lockedUntil: item.lockedUntil?.N === undefined ? undefined : Number(item.lockedUntil.N),
});
