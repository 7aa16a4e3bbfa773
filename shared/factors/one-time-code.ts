/**
 * What the factors that send a code (SMS, email) share: a 6-digit code from a CSPRNG, stored only as
 * a keyed hash with an attempt counter, checked in constant time, consumed by a conditional delete.
 */
import { randomInt } from 'node:crypto';
import { constantTimeEqual } from '../crypto/secrets';
import { epochSeconds, live, LostRace } from '../store/conditions';
import type { Account } from './account';
import * as codeStore from './code-store';
import type { TransactItem } from './second-factor';

/** Six digits, uniformly random (node:crypto). */
export const newCode = (): string => String(randomInt(0, 1_000_000)).padStart(6, '0');

export const isSixDigits = (code: unknown): code is string => typeof code === 'string' && /^\d{6}$/.test(code);

export interface SentCode {
  /** Where the channel's code item lives (its store's key). */
  key: { pk: string; sk: string };
  /** The keyed hash of what was typed. */
  hash: (code: string) => Promise<string>;
  maxAttempts: number;
}

/**
 * Checks a typed code against the code last sent: the conditional delete that consumes it, or
 * undefined (missing, expired, out of attempts, wrong: a wrong try spends one of its attempts).
 */
export async function checkSentCode(account: Account, code: string, at: Date, sent: SentCode): Promise<TransactItem | undefined> {
  const stored = live(codeStore.codeAt(account, sent.key), at);
  if (!stored || stored.attempts >= sent.maxAttempts) return undefined;
  if (!constantTimeEqual(await sent.hash(code), stored.codeHash)) {
    try {
      await codeStore.spendAttempt(sent.key, stored.codeHash);
    } catch (error) {
      if (!(error instanceof LostRace)) throw error; // replaced or consumed meanwhile
    }
    return undefined;
  }
  return codeStore.consumeCode(sent.key, stored.codeHash, sent.maxAttempts, epochSeconds(at));
}
