/**
 * Rate limits. Fixed-window counters: over the limit is a 429 with Retry-After until the window
 * ends. Minimum intervals: an event passes only when the last one is at least the interval ago, so
 * the interval is measured from the last event (a rolling interval). The items are in ./store, the
 * arithmetic in ./windows.
 */
import { TooManyRequests } from '../errors';
import { LostRace, type RawItem } from '../store/conditions';
import { transactWrite, type TransactItem } from '../store/transact';
import { rateLimitStore, type CounterRef } from './store';
import { intervalSince, intervalWaitSeconds, secondsLeft, windowAt } from './windows';

export interface Limit {
  /** Counter family, such as `login-fail-account`. */
  scope: string;
  subject: string;
  max: number;
  windowSeconds: number;
}

/** At most one event per `intervalSeconds`, measured from the last event (a rolling interval). */
export interface Interval {
  scope: string;
  subject: string;
  intervalSeconds: number;
}

const isInterval = (limit: Limit | Interval): limit is Interval => 'intervalSeconds' in limit;

const counterOf = (limit: Limit, now: Date): CounterRef => ({ scope: limit.scope, subject: limit.subject, window: windowAt(limit.windowSeconds, now) });

/** The 429 of a limit found full at `now`. */
export const limitReached = (limit: Limit, now: Date, message?: string) => new TooManyRequests(secondsLeft(counterOf(limit, now).window, now), message);

/** Refuses with 429 when any of the counters already reached its limit (one read). */
export async function assertUnderLimits(limits: Limit[], now: Date, message?: string): Promise<void> {
  const counters = limits.map((l) => counterOf(l, now));
  const counts = await rateLimitStore.counts(counters);
  limits.forEach((limit, i) => {
    if (counts[i]! >= limit.max) throw limitReached(limit, now, message);
  });
}

/**
 * Counts one event against every limit in one transaction, each write conditioned on its limit
 * (a counter under its maximum, the last event at least the interval ago): all count, or none does
 * and the answer is 429 with the longest wait among the limits that refused.
 */
export async function consume(limits: (Limit | Interval)[], now: Date, message?: string): Promise<void> {
  const checks = limits.map((limit) => {
    if (isInterval(limit)) {
      return {
        write: rateLimitStore.markEventAfter(limit, now, intervalSince(limit.intervalSeconds, now), limit.intervalSeconds),
        waitSeconds: (refused: RawItem | undefined) => intervalWaitSeconds(limit.intervalSeconds, rateLimitStore.lastEventAt(refused), now),
      };
    }
    const counter = counterOf(limit, now);
    return { write: rateLimitStore.countBelow(counter, limit.max), waitSeconds: () => secondsLeft(counter.window, now) };
  });
  try {
    await transactWrite(checks.map((c) => c.write));
  } catch (error) {
    if (!(error instanceof LostRace) || !error.failed.length) throw error;
    throw new TooManyRequests(Math.max(...error.failed.map((i) => checks[i]!.waitSeconds(error.refused[i]))), message);
  }
}

/**
 * For the caller's transaction: passes while `limit` has room at `now`, counting nothing. A refusal
 * (LostRace at its index) is `limitReached(limit, now)`.
 */
export function underLimit(limit: Limit, now: Date): TransactItem {
  return rateLimitStore.isBelow(counterOf(limit, now), limit.max);
}


/**
 * The writes that give back one event `consume` counted at `now` (an SMS the provider refused
 * never reached anyone, so it must not use up the user's sends): for the caller's transaction.
 */
export function releaseWrites(limits: (Limit | Interval)[], now: Date) {
  return limits.map((limit) => (isInterval(limit) ? rateLimitStore.unmark(limit, now) : rateLimitStore.uncount(counterOf(limit, now))));
}

/** Counts an event without refusing it (such as a failed login, refused on the next attempt). */
export async function record(limits: Limit[], now: Date): Promise<void> {
  await Promise.all(limits.map((l) => rateLimitStore.count(counterOf(l, now))));
}
