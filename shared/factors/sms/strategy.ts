/**
 * The SMS factor: 6-digit codes, valid 5 minutes, stored as a keyed hash with an attempt counter
 * (5 tries, then the code is dead). Sending and enrolment live in enrolment.ts, the number in phone.ts.
 */
import { constantTimeEqual, keyedHash } from '../../crypto/secrets';
import { epochSeconds, live, LostRace } from '../../store/conditions';
import { factorOfKind } from '../account';
import type { SecondFactor } from '../second-factor';
import * as smsStore from './store';

export const CODE_TTL_SECONDS = 5 * 60;
export const MAX_CODE_ATTEMPTS = 5;

/** The keyed hash a code is stored as. */
export const smsCodeHash = (userId: number, code: string) => keyedHash(`sms-code|${userId}`, code);

/** A wrong try uses up one of the code's attempts. */
async function spendAttempt(userId: number, codeHash: string): Promise<void> {
  try {
    await smsStore.spendAttempt(userId, codeHash);
  } catch (error) {
    if (!(error instanceof LostRace)) throw error; // replaced or consumed meanwhile
  }
}

export const sms = {
  kind: 'sms',
  amr: 'sms',
  accepts: (proof) => typeof proof.code === 'string' && /^\d{6}$/.test(proof.code),
  async check(account, proof, at, { includeUnverified }) {
    const factor = factorOfKind(account, 'sms');
    if (!factor || (!factor.verified && !includeUnverified)) return undefined;
    const userId = account.user.userId;
    const stored = live(smsStore.codeOf(account), at);
    if (!stored || stored.attempts >= MAX_CODE_ATTEMPTS) return undefined;
    const presented = await smsCodeHash(userId, proof.code!);
    if (!constantTimeEqual(presented, stored.codeHash)) {
      await spendAttempt(userId, stored.codeHash);
      return undefined;
    }
    return { kind: 'sms', amr: 'sms', writes: [smsStore.consumeCode(userId, stored.codeHash, MAX_CODE_ATTEMPTS, epochSeconds(at))] };
  },
} satisfies SecondFactor<'sms'>;
