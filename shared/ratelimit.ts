/**
 * Rate limits. Fixed-window counters: one item per subject and window, incremented with an atomic ADD
 * and deleted by TTL after the window; over the limit is a 429 with Retry-After until the window
 * ends. Minimum intervals: one item per subject holding the time of the last event, written only
 * when that is at least the interval ago, so the interval is measured from the last event and no
 * window boundary lets two events through close together.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TooManyRequests } from './errors';
import { epochSeconds, LostRace } from './store/conditions';
import { transactWrite, type TransactItem } from './store/transact';
import { db, tableName } from './store/client';
import { keys } from './store/keys';

export interface Limit {
  /** Counter family, such as `login-fail-account`. */
  scope: string;
  subject: string;
  max: number;
  windowSeconds: number;
}

const windowOf = (limit: Limit, now: Date) => {
  const t = epochSeconds(now);
  const start = t - (t % limit.windowSeconds);
  return { start, end: start + limit.windowSeconds, key: keys.rate(limit.scope, limit.subject, start) };
};

/** Refuses with 429 when any of the counters already reached its limit (one BatchGetItem). */
export async function assertUnderLimits(limits: Limit[], now: Date, message?: string): Promise<void> {
  const windows = limits.map((l) => windowOf(l, now));
  const result = await db().send(new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: windows.map((w) => w.key) } } }));
  const counts = new Map((result.Responses?.[tableName()] ?? []).map((i) => [`${i.pk}|${i.sk}`, i.count as number]));
  limits.forEach((limit, i) => {
    const w = windows[i]!;
    if ((counts.get(`${w.key.pk}|${w.key.sk}`) ?? 0) >= limit.max) {
      throw new TooManyRequests(w.end - epochSeconds(now), message);
    }
  });
}

/** At most one event per `intervalSeconds`, measured from the last event (a rolling interval). */
export interface Interval {
  scope: string;
  subject: string;
  intervalSeconds: number;
}

const isInterval = (limit: Limit | Interval): limit is Interval => 'intervalSeconds' in limit;

/** One limit's part of the transaction, and how long to wait when its condition fails. */
interface Check {
  write: TransactItem;
  /** `old`: the item as it was, raw (DynamoDB's attribute values: a cancellation is not unmarshalled). */
  waitSeconds(old: Record<string, AttributeValue> | undefined): number;
}

function counterCheck(limit: Limit, now: Date): Check {
  const w = windowOf(limit, now);
  return {
    write: {
      Update: {
        TableName: tableName(),
        Key: w.key,
        UpdateExpression: 'ADD #count :one SET expiresAt = if_not_exists(expiresAt, :expires)',
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':one': 1, ':expires': w.end + 60, ':max': limit.max },
      },
    },
    waitSeconds: () => w.end - epochSeconds(now),
  };
}

function intervalCheck(limit: Interval, now: Date): Check {
  const at = now.getTime();
  const intervalMs = limit.intervalSeconds * 1000;
  return {
    write: {
      Update: {
        TableName: tableName(),
        Key: keys.rateLast(limit.scope, limit.subject),
        UpdateExpression: 'SET lastAt = :now, expiresAt = :expires',
        // Milliseconds: sends 1.1 s apart must not pass a 30 s interval, wherever they fall.
        ConditionExpression: 'attribute_not_exists(lastAt) OR lastAt <= :since',
        ExpressionAttributeValues: { ':now': at, ':since': at - intervalMs, ':expires': epochSeconds(now) + limit.intervalSeconds + 60 },
        // The old item comes back with a failed condition: the wait is exact, not a guess.
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
    waitSeconds: (old) => {
      const last = old?.lastAt?.N !== undefined ? Number(old.lastAt.N) : at;
      // Clamped: a last event stamped "in the future" by a skewed clock never means a longer wait.
      return Math.min(limit.intervalSeconds, Math.max(1, (last + intervalMs - at) / 1000));
    },
  };
}

/**
 * Counts one event against every limit in one transaction, each write conditioned on its limit
 * (a counter under its maximum, the last event at least the interval ago): all count, or none does
 * and the answer is 429 with the longest wait among the limits that refused.
 */
export async function consume(limits: (Limit | Interval)[], now: Date, message?: string): Promise<void> {
  const checks = limits.map((l) => (isInterval(l) ? intervalCheck(l, now) : counterCheck(l, now)));
  try {
    await transactWrite(checks.map((c) => c.write));
  } catch (error) {
    if (!(error instanceof LostRace) || !error.failed.length) throw error;
    throw new TooManyRequests(Math.max(...error.failed.map((i) => checks[i]!.waitSeconds(error.refused[i]))), message);
  }
}

/** Counts an event without refusing it (such as a failed login, refused on the next attempt). */
export async function record(limits: Limit[], now: Date): Promise<void> {
  await Promise.all(limits.map((l) => increment(l, now)));
}

async function increment(limit: Limit, now: Date): Promise<void> {
  const w = windowOf(limit, now);
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: w.key,
      UpdateExpression: 'ADD #count :one SET expiresAt = if_not_exists(expiresAt, :expires)',
      ExpressionAttributeNames: { '#count': 'count' },
      ExpressionAttributeValues: { ':one': 1, ':expires': w.end + 60 },
    }),
  );
}
