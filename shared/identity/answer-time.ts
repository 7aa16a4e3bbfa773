/**
 * One answer time for the two branches of a request that must not be told apart by how long it
 * takes (a known address and an unknown one). The branch that does the work records how long the
 * whole request took, from its start (a moving average, per container); the other waits until as
 * long has gone since its own start. Padding the whole request, not only the step one branch skips,
 * also covers what differs before it (a transaction that writes, against one that is refused).
 */
export interface AnswerTime {
  /** The request's start, to pass to `record` or `pad`. */
  start(): number;
  /** The working branch: its request, from `started`, took this long. */
  record(started: number): void;
  /** The other branch: waits until the working branch's average time has gone since `started`. */
  pad(started: number): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function answerTime(clock: () => number = () => performance.now(), wait: (ms: number) => Promise<void> = sleep): AnswerTime {
  let average: number | undefined;
  return {
    start: clock,
    record(started) {
      const took = clock() - started;
      average = average === undefined ? took : 0.8 * average + 0.2 * took;
    },
    async pad(started) {
      const left = (average ?? 0) - (clock() - started);
      if (left > 0) await wait(left);
    },
  };
}
