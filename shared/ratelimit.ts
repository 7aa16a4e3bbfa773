/**
 * Fixed-window counters: one item per subject and window, incremented with an atomic ADD and
 * deleted by TTL after the window. Over the limit is a 429 with Retry-After until the window ends.
 */
import { BatchGetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TooManyRequests } from './errors';
import { epochSeconds, failedTransactionConditions } from './store/conditions';
import { transactWrite } from './store/transact';
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

/**
 * Counts one event against every limit in one transaction, each increment conditioned on its
 * counter being under the limit: all count, or none does and the answer is 429 with the longest
 * wait among the limits that were full.
 */
export async function consume(limits: Limit[], now: Date, message?: string): Promise<void> {
  const windows = limits.map((l) => windowOf(l, now));
  try {
    await transactWrite(
      limits.map((limit, i) => ({
        Update: {
          TableName: tableName(),
          Key: windows[i]!.key,
          UpdateExpression: 'ADD #count :one SET expiresAt = if_not_exists(expiresAt, :expires)',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':one': 1, ':expires': windows[i]!.end + 60, ':max': limit.max },
        },
      })),
    );
  } catch (error) {
    const full = failedTransactionConditions(error);
    if (!full?.length) throw error;
    throw new TooManyRequests(Math.max(...full.map((i) => windows[i]!.end - epochSeconds(now))), message);
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
