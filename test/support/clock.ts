/** A controllable clock for in-process tests: time steps without sleeping. */
import { setClock } from '../../shared/clock';

export function testClock(start = Date.now()) {
  let t = start;
  setClock({ now: () => new Date(t) });
  return {
    now: () => new Date(t),
    advance(seconds: number) {
      t += seconds * 1000;
    },
    /** Moves to the start of the next 30 s TOTP step (a fresh code). */
    nextStep() {
      t = (Math.floor(t / 30000) + 1) * 30000 + 1000;
    },
    restore: () => setClock(),
  };
}
