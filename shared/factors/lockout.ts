/**
 * The lockout rules, pure: what a count of consecutive second-factor failures earns. The count
 * belongs to the user, not to a login attempt or a code: a new login or a new SMS code does not
 * reset it; only a success (or an admin reset) does. Counting happens in mfa-store.ts.
 *
 * Back-off (NIST SP 800-63B §5.2.2): from 5 consecutive failures the second-factor step is locked
 * for 30 s, doubling with each further failure; at 20 it stops until an admin resets the user,
 * far below the 100 the standard allows.
 */
import { ErrorCode, TooManyRequests, Unprocessable } from '../errors';
import { epochSeconds } from '../store/conditions';

/** The user's second-factor state: the failures, the lock they earned, the last TOTP step accepted. */
export interface MfaState {
  failures: number;
  lockedUntil?: number;
  lastTotpStep?: number;
}

export const LOCKOUT_THRESHOLD = 5;
export const HARD_STOP = 20;
const BASE_LOCK_SECONDS = 30;
export const MAX_LOCK_SECONDS = 24 * 3600;
/** A hard stop: locked until an admin resets the user's second factors. */
export const FOREVER = 253402300799; // 9999-12-31T23:59:59Z

export function lockSeconds(failures: number): number {
  if (failures < LOCKOUT_THRESHOLD) return 0;
  return Math.min(BASE_LOCK_SECONDS * 2 ** (failures - LOCKOUT_THRESHOLD), MAX_LOCK_SECONDS);
}

/** What every failed second-factor check answers: wrong, reused and expired codes look the same. */
export const invalidCode = () => new Unprocessable(ErrorCode.invalidCode, 'The code is invalid or expired');

/** A locked-out attempt: the same code and detail as a wrong code; only the status and Retry-After differ. */
export const lockedOut = (retryAfter: number) => new TooManyRequests(retryAfter, 'The code is invalid or expired', ErrorCode.invalidCode);

/** Seconds until the lock ends, or undefined while the step is open. */
export function lockedFor(mfa: Pick<MfaState, 'lockedUntil'>, t: number): number | undefined {
  return mfa.lockedUntil !== undefined && mfa.lockedUntil > t ? mfa.lockedUntil - t : undefined;
}

export function assertNotLocked(mfa: MfaState, at: Date): void {
  const retryAfter = lockedFor(mfa, epochSeconds(at));
  if (retryAfter !== undefined) throw lockedOut(retryAfter);
}

/** One more failure after `read`: the new count, the lock it sets (epoch seconds), and whether that is worth an audit event. */
export interface Failure {
  read: number;
  failures: number;
  lock?: number;
  /** Without a lock failures commute: counted without a compare while the stored count is below this. */
  countBelow: number;
  /** The lockout starts, or the hard stop is reached: a security event. */
  lockEvent: boolean;
  hardStop: boolean;
}

export function nextFailure(read: number, t: number): Failure {
  const failures = read + 1;
  const hardStop = failures >= HARD_STOP;
  const lock = hardStop ? FOREVER : failures >= LOCKOUT_THRESHOLD ? t + lockSeconds(failures) : undefined;
  return { read, failures, lock, countBelow: LOCKOUT_THRESHOLD - 1, lockEvent: failures === LOCKOUT_THRESHOLD || failures === HARD_STOP, hardStop };
}
