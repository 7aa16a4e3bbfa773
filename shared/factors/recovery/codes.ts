/**
 * Recovery codes: 10 single-use codes of 60 random bits each (`xxxx-xxxx-xxxx`, base32), shown
 * once, stored as keyed hashes; regenerating replaces them all. They work whatever the org policy
 * allows, so a policy change or a lost phone never locks a user out.
 */
import { randomBytes } from 'node:crypto';
import { keyedHash } from '../../crypto/secrets';
import { factorOfKind, type Account } from '../account';

export const RECOVERY_CODE_COUNT = 10;
/** Below this many left, logins say so, so the user can make new ones in time. */
export const FEW_RECOVERY_CODES = 3;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const FORMAT = /^[a-z2-7]{4}-?[a-z2-7]{4}-?[a-z2-7]{4}$/;

const purpose = (userId: number) => `recovery-code|${userId}`;
const normalise = (code: string) => code.trim().toLowerCase().replace(/-/g, '');

/** Whether a presented code has a recovery code's shape (a 6-digit code does not). */
export const looksLikeRecoveryCode = (code: string) => FORMAT.test(code.trim().toLowerCase());

export function newRecoveryCode(): string {
  // 12 base32 characters from 60 random bits (the low 4 bits of the 8th byte are dropped).
  const bytes = randomBytes(8);
  let bits = bytes.readBigUInt64BE() >> 4n;
  let code = '';
  for (let i = 0; i < 12; i++) {
    code = ALPHABET[Number(bits & 31n)] + code;
    bits >>= 5n;
  }
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

/** The keyed hash a code is stored and looked up as. */
export const recoveryCodeHash = (userId: number, code: string) => keyedHash(purpose(userId), normalise(code));

export const recoveryHashes = (account: Account): Set<string> =>
  (factorOfKind(account, 'recovery')?.hashes as Set<string> | undefined) ?? new Set();
