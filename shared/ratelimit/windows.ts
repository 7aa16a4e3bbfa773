/**
 * The arithmetic of rate limits, without I/O. Fixed windows start at multiples of their length
 * since the epoch, so every process agrees on which window an event falls in. Minimum intervals are
 * measured in milliseconds from the last event, so no window boundary lets two events through
 * close together.
 */
import { epochSeconds } from '../store/conditions';

/** A fixed window, in epoch seconds: `start` inclusive, `end` exclusive. */
export interface Window {
  start: number;
  end: number;
}

export function windowAt(windowSeconds: number, now: Date): Window {
  const t = epochSeconds(now);
  const start = t - (t % windowSeconds);
  return { start, end: start + windowSeconds };
}

/** A full window refuses until it ends. */
export const secondsLeft = (window: Window, now: Date): number => window.end - epochSeconds(now);

/** The latest time (epoch ms) the last event may have had for an event at `now` to pass. */
export const intervalSince = (intervalSeconds: number, now: Date): number => now.getTime() - intervalSeconds * 1000;

/**
 * How long to wait after the last event (epoch ms; unknown counts as now). Clamped: a last event
 * stamped "in the future" by a skewed clock never means a longer wait than the interval.
 */
export function intervalWaitSeconds(intervalSeconds: number, lastAt: number | undefined, now: Date): number {
  const at = now.getTime();
  return Math.min(intervalSeconds, Math.max(1, ((lastAt ?? at) + intervalSeconds * 1000 - at) / 1000));
}
