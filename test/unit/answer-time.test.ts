import { answerTime } from '../../shared/identity/answer-time';

/** A clock the test moves, the waits the padding asked for (each moves the clock as a real one would), and the picks it made. */
function fakeTime(picks: number[] = []) {
  let t = 1_000;
  const waits: number[] = [];
  const counts: number[] = [];
  const clock = () => t;
  const wait = async (ms: number) => {
    waits.push(ms);
    t += ms;
  };
  const pick = (count: number) => {
    counts.push(count);
    return picks.shift() ?? 0;
  };
  return { clock, wait, pick, waits, counts, pass: (ms: number) => (t += ms) };
}

const record = (even: ReturnType<typeof answerTime>, time: ReturnType<typeof fakeTime>, took: number) => {
  const started = even.start();
  time.pass(took);
  even.record(started);
};

describe('answer time', () => {
  it('pads the other branch to a whole request of the working branch, counting what it already spent', async () => {
    const time = fakeTime();
    const even = answerTime(time.clock, time.wait, time.pick, () => undefined);
    record(even, time, 120); // reads, a transaction that writes, the email

    const unknown = even.start();
    time.pass(30); // the same reads, a refused transaction
    await even.pad(unknown);
    expect(time.waits).toEqual([90]);
    expect(time.clock() - unknown).toBe(120);
  });

  it('draws each padded time from the recent ones, so the spread is the working branch’s, tail included', async () => {
    const time = fakeTime([2, 0, 1]);
    const even = answerTime(time.clock, time.wait, time.pick, () => undefined);
    for (const took of [100, 400, 150]) record(even, time, took);
    const answered: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = even.start();
      await even.pad(started);
      answered.push(time.clock() - started);
    }
    expect(answered).toEqual([150, 100, 400]);
    expect(time.counts).toEqual([3, 3, 3]);
  });

  it('keeps the last 32 times only', async () => {
    const time = fakeTime([0]);
    const even = answerTime(time.clock, time.wait, time.pick, () => undefined);
    for (let i = 0; i < 33; i++) record(even, time, 100 + i);
    const started = even.start();
    await even.pad(started);
    expect(time.counts).toEqual([32]);
    expect(time.waits).toEqual([132]); // slot 0 now holds the 33rd time; the first is gone
  });

  it('never waits into the last 50 ms of the request’s budget', async () => {
    const time = fakeTime();
    let budget: number | undefined = 1_000;
    const even = answerTime(time.clock, time.wait, time.pick, () => budget);
    record(even, time, 5_000); // a known request whose mail service timed out
    await even.pad(even.start());
    expect(time.waits).toEqual([950]);
    budget = 40;
    await even.pad(even.start());
    expect(time.waits).toHaveLength(1);
    budget = undefined; // outside a request: no budget to keep to
    await even.pad(even.start());
    expect(time.waits).toEqual([950, 5_000]);
  });

  it('never waits when the branch already took as long, nor before anything was recorded', async () => {
    const time = fakeTime();
    const even = answerTime(time.clock, time.wait, time.pick, () => undefined);
    await even.pad(even.start());
    record(even, time, 100);
    const slow = even.start();
    time.pass(500);
    await even.pad(slow);
    expect(time.waits).toEqual([]);
  });
});
