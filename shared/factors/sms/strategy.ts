/**
 * The SMS factor: 6-digit codes, valid 5 minutes, stored as a keyed hash with an attempt counter
 * (5 tries, then the code is dead). Sending and enrolment live in enrolment.ts, the number in phone.ts.
 */
import { keyedHash } from '../../crypto/secrets';
import { factorOfKind } from '../account';
import { checkSentCode, isSixDigits } from '../one-time-code';
import type { SecondFactor } from '../second-factor';
import * as smsStore from './store';

export const CODE_TTL_SECONDS = 5 * 60;
export const MAX_CODE_ATTEMPTS = 5;

/** The keyed hash a code is stored as. */
export const smsCodeHash = (userId: number, code: string) => keyedHash(`sms-code|${userId}`, code);

export const sms = {
  kind: 'sms',
  amr: 'sms',
  accepts: (proof) => isSixDigits(proof.code),
  async check(account, proof, at, { includeUnverified }) {
    const factor = factorOfKind(account, 'sms');
    if (!factor || (!factor.verified && !includeUnverified)) return undefined;
    const userId = account.user.userId;
    const consume = await checkSentCode(account, proof.code!, at, {
      key: smsStore.codeKey(userId),
      hash: (code) => smsCodeHash(userId, code),
      maxAttempts: MAX_CODE_ATTEMPTS,
    });
    return consume && { kind: 'sms', amr: 'sms', writes: [consume] };
  },
} satisfies SecondFactor<'sms'>;
