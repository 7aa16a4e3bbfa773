/**
 * The rate-limit items. A counter: one item per subject and fixed window (pk=RATE#<scope>#<subject>,
 * sk=<window start>), counted with an atomic ADD. A minimum interval: one item per subject (sk=LAST)
 * holding the last event's time in epoch milliseconds. Both go by TTL a minute after they stop
 * mattering.
 */
import { BatchGetCommand, UpdateCommand } from '../store/commands';
import { db, tableName } from '../store/client';
import { epochSeconds, type RawItem } from '../store/conditions';
import { keys } from '../store/keys';
import type { TransactItem } from '../store/transact';
import type { Window } from './windows';

/** One subject's counter in one window. */
export interface CounterRef {
  scope: string;
  subject: string;
  window: Window;
}

/** One subject's last-event item. */
export interface IntervalRef {
  scope: string;
  subject: string;
}

/** Kept a minute past the window, so a late reader still finds it. */
const SLACK_SECONDS = 60;

const counterKey = (c: CounterRef) => keys.rate(c.scope, c.subject, c.window.start);

const countOne = (counter: CounterRef) => ({
  TableName: tableName(),
  Key: counterKey(counter),
  UpdateExpression: 'ADD #count :one SET expiresAt = if_not_exists(expiresAt, :expires)',
  ExpressionAttributeNames: { '#count': 'count' },
  ExpressionAttributeValues: { ':one': 1, ':expires': counter.window.end + SLACK_SECONDS } as Record<string, unknown>,
});

export const rateLimitStore = {
  /** Each counter's count so far (0 where there is no item), in order: one BatchGetItem. */
  async counts(counters: CounterRef[]): Promise<number[]> {
    const requested = counters.map(counterKey);
    const result = await db().send(new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: requested } } }));
    const counts = new Map((result.Responses?.[tableName()] ?? []).map((i) => [`${i.pk}|${i.sk}`, i.count as number]));
    return requested.map((key) => counts.get(`${key.pk}|${key.sk}`) ?? 0);
  },

  /** Counts one event, without condition. */
  async count(counter: CounterRef): Promise<void> {
    await db().send(new UpdateCommand(countOne(counter)));
  },

  /** Passes while the counter is under `max`, counting nothing (for a transaction). */
  isBelow(counter: CounterRef, max: number): TransactItem {
    return {
      ConditionCheck: {
        TableName: tableName(),
        Key: counterKey(counter),
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':max': max },
      },
    };
  },

  /** Counts one event unless the counter has reached `max` (for a transaction). */
  countBelow(counter: CounterRef, max: number): TransactItem {
    const update = countOne(counter);
    return {
      Update: {
        ...update,
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
        ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':max': max },
      },
    };
  },

  /**
   * Records an event at `at` unless the last one came after `since` (epoch ms), for a transaction.
   * A refusal returns the old item, so the wait is exact, not a guess (see `lastEventAt`).
   */
  markEventAfter(ref: IntervalRef, at: Date, since: number, intervalSeconds: number): TransactItem {
    return {
      Update: {
        TableName: tableName(),
        Key: keys.rateLast(ref.scope, ref.subject),
        UpdateExpression: 'SET lastAt = :now, expiresAt = :expires',
        ConditionExpression: 'attribute_not_exists(lastAt) OR lastAt <= :since',
        ExpressionAttributeValues: { ':now': at.getTime(), ':since': since, ':expires': epochSeconds(at) + intervalSeconds + SLACK_SECONDS },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    };
  },

  /** Takes back one event counted in this window (for a transaction); never below zero. */
  uncount(counter: CounterRef): TransactItem {
    return {
      Update: {
        TableName: tableName(),
        Key: counterKey(counter),
        UpdateExpression: 'ADD #count :minusOne',
        ConditionExpression: '#count > :zero',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
      },
    };
  },

  /** Forgets the event `markEventAfter` recorded at `at`, unless a later one replaced it (for a transaction). */
  unmark(ref: IntervalRef, at: Date): TransactItem {
    return {
      Delete: {
        TableName: tableName(),
        Key: keys.rateLast(ref.scope, ref.subject),
        ConditionExpression: 'lastAt = :at',
        ExpressionAttributeValues: { ':at': at.getTime() },
      },
    };
  },

  /** The last event's time (epoch ms) in the item a refused `markEventAfter` returned (raw: not unmarshalled). */
  lastEventAt(refused: RawItem | undefined): number | undefined {
    return refused?.lastAt?.N !== undefined ? Number(refused.lastAt.N) : undefined;
  },
};
