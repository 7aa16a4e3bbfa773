/**
 * The email factor: 6-digit codes, valid 10 minutes (mail is slower than SMS), stored as a keyed hash
 * with an attempt counter (5 tries, then the code is dead). Sending and enrolment live in enrolment.ts.
 * amr `email`: RFC 8176 has no value for a code sent by email, and `otp` means HOTP/TOTP.
 */
import { keyedHash } from '../../crypto/secrets';
import { factorOfKind } from '../account';
import { checkSentCode, isSixDigits } from '../one-time-code';
import type { SecondFactor } from '../second-factor';
import * as emailStore from './store';

export const CODE_TTL_SECONDS = 10 * 60;
export const MAX_CODE_ATTEMPTS = 5;

/** The keyed hash a code is stored as. */
export const emailCodeHash = (userId: number, code: string) => keyedHash(`email-code|${userId}`, code);

export const email = {
  kind: 'email',
  amr: 'email',
  accepts: (proof) => isSixDigits(proof.code),
  async check(account, proof, at, { includeUnverified }) {
    const factor = factorOfKind(account, 'email');
    if (!factor || (!factor.verified && !includeUnverified)) return undefined;
    const userId = account.user.userId;
    const consume = await checkSentCode(account, proof.code!, at, {
      key: emailStore.codeKey(userId),
      hash: (code) => emailCodeHash(userId, code),
      maxAttempts: MAX_CODE_ATTEMPTS,
    });
    return consume && { kind: 'email', amr: 'email', writes: [consume] };
  },
} satisfies SecondFactor<'email'>;
