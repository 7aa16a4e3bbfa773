/**
 * Recovery codes: 10 single-use codes of 60 random bits each (`xxxx-xxxx-xxxx`, base32), shown
 * once, stored as keyed hashes; regenerating replaces them all. They work whatever the org policy
 * allows, so a policy change or a lost phone never locks a user out.
 */

import { randomBytes } from 'node:crypto';
import { now } from '../clock';
import { keyedHash } from '../crypto/secrets';
import { Conflict } from '../errors';
import { transactWrite } from '../store/transact';
import { tableName } from '../store/client';
import { keys, type Key } from '../store/keys';
import type { Account } from './account';
import type { SecondFactor, TransactItem } from './second-factor';

export const RECOVERY_FACTOR = 'RECOVERY';
export const RECOVERY_CODE_COUNT = 10;
/** Below this many left, logins say so, so the user can make new ones in time. */
export const FEW_RECOVERY_CODES = 3;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const FORMAT = /^[a-z2-7]{4}-?[a-z2-7]{4}-?[a-z2-7]{4}$/;

export const recoveryKey = (userId: number): Key => keys.factor(userId, RECOVERY_FACTOR);
const purpose = (userId: number) => `recovery-code|${userId}`;
const normalise = (code: string) => code.trim().toLowerCase().replace(/-/g, '');

function newCode(): string {
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

export const recoveryHashes = (account: Account): Set<string> =>
  (account.factors.find((f) => f.sk === recoveryKey(account.user.userId).sk)?.hashes as Set<string> | undefined) ?? new Set();

/**
 * Replaces the user's recovery codes with 10 new ones, answered once and never stored in the
 * clear; `alongside` (profile, audit) is written in the same transaction.
 */
export async function generateRecoveryCodes(account: Account, alongside: TransactItem[]): Promise<string[]> {
  if (!account.factors.some((f) => f.verified && f.kind !== 'recovery')) {
    throw new Conflict('Set up a second factor before generating recovery codes');
  }
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newCode);
  const hashes = new Set(await Promise.all(codes.map((c) => keyedHash(purpose(account.user.userId), normalise(c)))));
  const item = { ...recoveryKey(account.user.userId), kind: 'recovery', verified: true, hashes, createdAt: now().toISOString() };
  await transactWrite([{ Put: { TableName: tableName(), Item: item } }, ...alongside]);
  return codes;
}

export const recovery = {
  kind: 'recovery',
  amr: 'mfa',
  accepts: (proof) => typeof proof.code === 'string' && FORMAT.test(proof.code.trim().toLowerCase()),
  async check(account, proof) {
    const hashes = recoveryHashes(account);
    const presented = await keyedHash(purpose(account.user.userId), normalise(proof.code!));
    // Set membership of a keyed hash: no timing signal about the codes themselves.
    if (!hashes.has(presented)) return undefined;
    return {
      kind: 'recovery',
      amr: 'mfa',
      details: { remaining: hashes.size - 1 },
      writes: [
        {
          // Single use: of two requests with one code, one removes it.
          Update: {
            TableName: tableName(),
            Key: recoveryKey(account.user.userId),
            UpdateExpression: 'DELETE hashes :used',
            ConditionExpression: 'contains(hashes, :code)',
            ExpressionAttributeValues: { ':used': new Set([presented]), ':code': presented },
          },
        },
      ],
    };
  },
} satisfies SecondFactor;
