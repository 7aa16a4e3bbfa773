/** Time as a port, so time-step and expiry tests need no sleeping. */
export interface Clock {
  now(): Date;
}

const systemClock: Clock = { now: () => new Date() };
let current: Clock = systemClock;

export const now = (): Date => current.now();

/** Tests only: shift the clock. Pass nothing to restore the system clock. */
export function setClock(clock?: Clock): void {
  current = clock ?? systemClock;
}
