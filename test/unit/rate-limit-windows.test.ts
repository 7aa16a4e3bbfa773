/** The rate-limit arithmetic, without DynamoDB: where windows start and how long a refusal waits. */
import { intervalSince, intervalWaitSeconds, secondsLeft, windowAt } from '../../shared/ratelimit/windows';

const at = (epochSeconds: number, ms = 0) => new Date(epochSeconds * 1000 + ms);

describe('fixed windows', () => {
  it('start at multiples of their length since the epoch, so every process agrees on the window', () => {
    expect(windowAt(3600, at(1_800_001_000))).toEqual({ start: 1_800_000_000, end: 1_800_003_600 });
    expect(windowAt(60, at(120))).toEqual({ start: 120, end: 180 });
    expect(windowAt(60, at(179, 999))).toEqual({ start: 120, end: 180 });
    expect(windowAt(60, at(180))).toEqual({ start: 180, end: 240 });
  });

  it('a full window refuses until it ends', () => {
    const window = windowAt(900, at(1_000_000_100)); // 999_999_900 .. 1_000_000_800
    expect(secondsLeft(window, at(1_000_000_100))).toBe(700);
    expect(secondsLeft(window, at(window.end - 1, 500))).toBe(1);
  });
});

describe('minimum intervals', () => {
  it('let an event through only when the last one is at least the interval ago, to the millisecond', () => {
    expect(intervalSince(30, at(1_000, 250))).toBe(970_250);
  });

  it('wait the rest of the interval after the last event, at least one second', () => {
    const now = at(1_000);
    expect(intervalWaitSeconds(30, now.getTime() - 10_000, now)).toBe(20);
    expect(intervalWaitSeconds(30, now.getTime() - 29_999, now)).toBe(1);
    expect(intervalWaitSeconds(30, now.getTime() - 1_500, now)).toBe(28.5);
  });

  it('never wait longer than the interval, even after a last event stamped in the future by a skewed clock', () => {
    const now = at(1_000);
    expect(intervalWaitSeconds(30, now.getTime() + 60_000, now)).toBe(30);
  });

  it('wait a whole interval when the last event is unknown', () => {
    expect(intervalWaitSeconds(30, undefined, at(1_000))).toBe(30);
  });
});
