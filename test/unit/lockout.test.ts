/** The lockout rules (NIST SP 800-63B §5.2.2 back-off), pure: no table needed. */
import { TooManyRequests } from '../../shared/errors';
import {
  assertNotLocked,
  FOREVER,
  HARD_STOP,
  invalidCode,
  lockedFor,
  LOCKOUT_THRESHOLD,
  lockSeconds,
  MAX_LOCK_SECONDS,
  nextFailure,
} from '../../shared/factors/lockout';

const T = 1_800_000_000; // epoch seconds
const at = new Date(T * 1000);

describe('lockSeconds', () => {
  it('locks nothing below the threshold of 5 consecutive failures', () => {
    expect(LOCKOUT_THRESHOLD).toBe(5);
    for (let failures = 0; failures < LOCKOUT_THRESHOLD; failures++) expect(lockSeconds(failures)).toBe(0);
  });

  it('locks for 30 s at the threshold, doubling with each further failure', () => {
    expect([5, 6, 7, 8, 9].map(lockSeconds)).toEqual([30, 60, 120, 240, 480]);
  });

  it('never locks for more than a day', () => {
    expect(MAX_LOCK_SECONDS).toBe(86_400);
    expect(lockSeconds(16)).toBe(61_440);
    expect(lockSeconds(17)).toBe(MAX_LOCK_SECONDS); // 30 s · 2^12 would be 122 880 s
    expect(lockSeconds(40)).toBe(MAX_LOCK_SECONDS);
  });
});

describe('nextFailure', () => {
  it('below the threshold counts without a lock and without an audit event', () => {
    const failure = nextFailure(2, T);
    expect(failure).toMatchObject({ read: 2, failures: 3, lock: undefined, lockEvent: false, hardStop: false });
    // The commuting count may only rise while no lock is due.
    expect(failure.countBelow).toBe(LOCKOUT_THRESHOLD - 1);
  });

  it('the failure that reaches the threshold sets the first lock and is a security event', () => {
    expect(nextFailure(4, T)).toMatchObject({ failures: 5, lock: T + 30, lockEvent: true, hardStop: false });
  });

  it('later failures lock longer, without a new event', () => {
    expect(nextFailure(5, T)).toMatchObject({ failures: 6, lock: T + 60, lockEvent: false });
  });

  it('caps the lock at a day', () => {
    expect(nextFailure(15, T).lock).toBe(T + 61_440);
    expect(nextFailure(16, T).lock).toBe(T + MAX_LOCK_SECONDS);
  });

  it('stops for good at 20 failures (far below the 100 NIST allows), until an admin resets the user', () => {
    expect(HARD_STOP).toBe(20);
    expect(nextFailure(HARD_STOP - 1, T)).toMatchObject({ failures: 20, lock: FOREVER, lockEvent: true, hardStop: true });
    expect(nextFailure(HARD_STOP, T)).toMatchObject({ lock: FOREVER, lockEvent: false, hardStop: true });
    expect(new Date(FOREVER * 1000).toISOString()).toBe('9999-12-31T23:59:59.000Z');
  });
});

describe('assertNotLocked', () => {
  it('lets an unlocked state through, and one whose lock has ended', () => {
    expect(() => assertNotLocked({ failures: 0 }, at)).not.toThrow();
    expect(() => assertNotLocked({ failures: 7, lockedUntil: T - 1 }, at)).not.toThrow();
    expect(() => assertNotLocked({ failures: 7, lockedUntil: T }, at)).not.toThrow();
  });

  it('refuses while locked with 429, Retry-After the seconds left, and the same code and detail as a wrong code', () => {
    let error: unknown;
    try {
      assertNotLocked({ failures: 6, lockedUntil: T + 42 }, at);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TooManyRequests);
    const locked = error as TooManyRequests;
    expect(locked.status).toBe(429);
    expect(locked.headers['Retry-After']).toBe('42');
    const wrong = invalidCode();
    expect({ code: locked.code, message: locked.message }).toEqual({ code: wrong.code, message: wrong.message });
  });

  it('lockedFor answers the seconds left, or nothing once open', () => {
    expect(lockedFor({ lockedUntil: T + 30 }, T)).toBe(30);
    expect(lockedFor({ lockedUntil: T }, T)).toBeUndefined();
    expect(lockedFor({}, T)).toBeUndefined();
  });
});
