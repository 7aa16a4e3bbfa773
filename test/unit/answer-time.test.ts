import { answerTime } from '../../shared/identity/answer-time';

/** A clock the test moves, and the waits the padding asked for (each moves the clock as a real one would). */
function fakeTime() {
  let t = 1_000;
  const waits: number[] = [];
  const clock = () => t;
  const wait = async (ms: number) => {
    waits.push(ms);
    t += ms;
  };
  return { clock, wait, waits, pass: (ms: number) => (t += ms) };
}

describe('answer time', () => {
  it('pads the other branch to the working branch’s whole request, counting what it already spent', async () => {
    const time = fakeTime();
    const even = answerTime(time.clock, time.wait);
    const known = even.start();
    time.pass(120); // reads, a transaction that writes, the email
    even.record(known);

    const unknown = even.start();
    time.pass(30); // the same reads, a refused transaction
    await even.pad(unknown);
    expect(time.waits).toEqual([90]);
    expect(time.clock() - unknown).toBe(120);
  });

  it('follows a moving average, and never waits when the branch already took as long', async () => {
    const time = fakeTime();
    const even = answerTime(time.clock, time.wait);
    for (const took of [100, 200]) {
      const s = even.start();
      time.pass(took);
      even.record(s);
    }
    const s = even.start();
    await even.pad(s);
    expect(time.waits).toEqual([0.8 * 100 + 0.2 * 200]);

    const slow = even.start();
    time.pass(500);
    await even.pad(slow);
    expect(time.waits).toHaveLength(1);
  });

  it('waits for nothing before anything was recorded', async () => {
    const time = fakeTime();
    const even = answerTime(time.clock, time.wait);
    await even.pad(even.start());
    expect(time.waits).toEqual([]);
  });
});
