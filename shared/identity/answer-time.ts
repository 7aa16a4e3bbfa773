/**
 * One answer time for the two branches of a request that must not be told apart by how long it
 * takes (a known address and an unknown one). The branch that does the work records how long its
 * whole request took, from its start (the last RECENT, per container); the other waits until as
 * long has gone since its own start as one of them, picked at random. Its times are then drawn from
 * the working branch's own spread, tail included: padding to an average would answer every time
 * near the mean, a shape that tells the two apart as surely as a difference in the median. Padding
 * the whole request, not only the step one branch skips, also covers what differs before it (a
 * transaction that writes, against one that is refused).
 */
import { randomInt } from 'node:crypto';
import { remainingMs } from '../store/deadline';

const RECENT = 32;
/** What the answer needs after the wait: the wait never runs into the request's budget. */
const ANSWER_MARGIN_MS = 50;

export interface AnswerTime {
  /** The request's start, to pass to `record` or `pad`. */
  start(): number;
  /** The working branch: its request, from `started`, took this long. */
  record(started: number): void;
  /**
   * The other branch: waits until one of the working branch's recent times has gone since
   * `started`, but never past the request's budget (a slow outlier, a mail service timing out,
   * must not turn an answer into a timeout).
   */
  pad(started: number): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function answerTime(
  clock: () => number = () => performance.now(),
  wait: (ms: number) => Promise<void> = sleep,
  pick: (count: number) => number = randomInt,
  budgetLeft: () => number | undefined = remainingMs,
): AnswerTime {
  const recent: number[] = [];
  let next = 0;
  return {
    start: clock,
    record(started) {
      recent[next] = clock() - started;
      next = (next + 1) % RECENT;
    },
    async pad(started) {
      if (recent.length === 0) return;
      const left = Math.min(recent[pick(recent.length)]! - (clock() - started), (budgetLeft() ?? Infinity) - ANSWER_MARGIN_MS);
      if (left > 0) await wait(left);
    },
  };
}
