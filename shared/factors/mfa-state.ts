/**
 * The user's second-factor state: consecutive failures, the lockout they earned, and the last TOTP
 * time step accepted. The counter belongs to the user, not to a login attempt or a code: a new
 * login or a new SMS code does not reset it; only a success (or an admin reset) does.
 *
 * Back-off (NIST SP 800-63B §5.2.2): from 5 consecutive failures the second-factor step is locked
 * for 30 s, doubling with each further failure; at 20 it stops until an admin resets the user,
 * far below the 100 the standard allows.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { auditItem, type Actor } from '../audit/events';
import { ErrorCode, TooManyRequests, Unprocessable } from '../errors';
import { transactWrite } from '../store/transact';
import { db, tableName } from '../store/client';
import { epochSeconds, LostRace } from '../store/conditions';
import { keys } from '../store/keys';
import type { Account, MfaState } from './account';

export const LOCKOUT_THRESHOLD = 5;
export const HARD_STOP = 20;
const BASE_LOCK_SECONDS = 30;
const MAX_LOCK_SECONDS = 24 * 3600;
/** A hard stop: locked until an admin resets the user's second factors. */
const FOREVER = 253402300799; // 9999-12-31T23:59:59Z

export function lockSeconds(failures: number): number {
  if (failures < LOCKOUT_THRESHOLD) return 0;
  return Math.min(BASE_LOCK_SECONDS * 2 ** (failures - LOCKOUT_THRESHOLD), MAX_LOCK_SECONDS);
}

/** What every failed second-factor check answers: wrong, reused and expired codes look the same. */
export const invalidCode = () => new Unprocessable(ErrorCode.invalidCode, 'The code is invalid or expired');

/** A locked-out attempt: the same code and detail as a wrong code; only the status and Retry-After differ. */
const lockedOut = (retryAfter: number) => new TooManyRequests(retryAfter, 'The code is invalid or expired', ErrorCode.invalidCode);

export function assertNotLocked(mfa: MfaState, at: Date): void {
  const t = epochSeconds(at);
  if (mfa.lockedUntil !== undefined && mfa.lockedUntil > t) throw lockedOut(mfa.lockedUntil - t);
}

/**
 * The condition every successful check commits under: the state is as it was read (no failure was
 * counted meanwhile, so a burst of parallel guesses cannot slip a right one past the lockout) and
 * not locked. It also resets the failure count.
 */
export function successUpdate(account: Account, at: Date, set: Record<string, unknown> = {}) {
  const names: Record<string, string> = { '#failures': 'failures' };
  const values: Record<string, unknown> = { ':zero': 0, ':now': epochSeconds(at), ':read': account.mfa.failures };
  const assignments = ['#failures = :zero'];
  for (const [name, value] of Object.entries(set)) {
    names[`#${name}`] = name;
    values[`:${name}`] = value;
    assignments.push(`#${name} = :${name}`);
  }
  return {
    TableName: tableName(),
    Key: keys.mfaState(account.user.userId),
    UpdateExpression: `SET ${assignments.join(', ')} REMOVE lockedUntil`,
    ConditionExpression:
      '(attribute_not_exists(#failures) OR #failures = :read) AND (attribute_not_exists(lockedUntil) OR lockedUntil <= :now)',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/**
 * Counts one failure and answers the error to send: the plain invalid-code error, or the lockout
 * once it starts. A failure counts only while the step is unlocked (a conditional update), so a
 * burst of parallel guesses, or of copies of a code a racing success already used, counts at most
 * the failures up to the next lock; every later one finds the step locked and changes nothing.
 */
export async function recordFailure(account: Account, at: Date, actor: Actor): Promise<Error> {
  const t = epochSeconds(at);
  let state: MfaState = account.mfa;
  for (let attempt = 0; attempt < 50; attempt++) {
    if (state.lockedUntil !== undefined && state.lockedUntil > t) return lockedOut(state.lockedUntil - t);
    const failures = state.failures + 1;
    const lock = failures >= HARD_STOP ? FOREVER : failures >= LOCKOUT_THRESHOLD ? t + lockSeconds(failures) : undefined;
    const refusedBy = await countFailure(account, actor, t, state.failures, lock);
    if (!refusedBy) return lock ? lockedOut(lock - t) : invalidCode();
    state = refusedBy; // a race moved the state on: decide again from what it is now
  }
  return invalidCode();
}

/** One conditional write of a failure; answers the state that refused it, or undefined once counted. */
async function countFailure(account: Account, actor: Actor, t: number, read: number, lock: number | undefined): Promise<MfaState | undefined> {
  const userId = account.user.userId;
  const unlocked = '(attribute_not_exists(lockedUntil) OR lockedUntil <= :now)';
  const update = lock
    ? {
        // Setting a lock depends on the exact count: compare-and-set on the count read.
        UpdateExpression: 'SET #failures = :next, lockedUntil = :lock',
        ConditionExpression: `${unlocked} AND ${read === 0 ? '(attribute_not_exists(#failures) OR #failures = :read)' : '#failures = :read'}`,
        ExpressionAttributeValues: { ':now': t, ':next': read + 1, ':read': read, ':lock': lock },
      }
    : {
        // Below the threshold failures commute: count without a compare, as long as no lock is due.
        UpdateExpression: 'ADD #failures :one',
        ConditionExpression: `${unlocked} AND (attribute_not_exists(#failures) OR #failures < :below)`,
        ExpressionAttributeValues: { ':now': t, ':one': 1, ':below': LOCKOUT_THRESHOLD - 1 },
      };
  const write = {
    TableName: tableName(),
    Key: keys.mfaState(userId),
    ExpressionAttributeNames: { '#failures': 'failures' },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    ...update,
  };
  const lockEvent = read + 1 === LOCKOUT_THRESHOLD || read + 1 === HARD_STOP;
  try {
    // Always a transaction, so it carries the request's session check (store/transact.ts): a token
    // whose session has ended cannot count failures against, and so lock out, its user. A lockout
    // is a security event: its audit event goes in the same transaction.
    await transactWrite([
      { Update: write },
      ...(lockEvent
        ? [
            {
              Put: {
                TableName: tableName(),
                Item: auditItem({
                  orgId: account.user.orgId,
                  action: 'mfa.locked_out',
                  actor,
                  targetUserId: userId,
                  details: { failures: read + 1, hardStop: read + 1 >= HARD_STOP },
                }),
              },
            },
          ]
        : []),
    ]);
    return undefined;
  } catch (error) {
    if (!(error instanceof LostRace)) throw error;
    // The item as it refused the write comes back with the cancellation (ALL_OLD, raw attribute values).
    const refused = error.lost(0) ? error.refused[0] : undefined;
    if (refused) return mfaStateOf(refused);
    // Refused without the item (it is gone, or contention outlasted the retries): read it.
    const current = await db().send(new GetCommand({ TableName: tableName(), Key: keys.mfaState(userId), ConsistentRead: true }));
    const item = current.Item as Partial<MfaState> | undefined;
    return { failures: item?.failures ?? 0, lockedUntil: item?.lockedUntil };
  }
}

const mfaStateOf = (item: Record<string, AttributeValue>): MfaState => ({
  failures: Number(item.failures?.N ?? 0),
  lockedUntil: item.lockedUntil?.N === undefined ? undefined : Number(item.lockedUntil.N),
});
