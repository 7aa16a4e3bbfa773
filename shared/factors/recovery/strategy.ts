/** Recovery codes as a second factor: a code whose keyed hash the user holds, spent by the login. */
import type { SecondFactor } from '../second-factor';
import { looksLikeRecoveryCode, recoveryCodeHash, recoveryHashes } from './codes';
import * as recoveryStore from './store';

export const recovery = {
  kind: 'recovery',
  amr: 'mfa',
  accepts: (proof) => typeof proof.code === 'string' && looksLikeRecoveryCode(proof.code),
  async check(account, proof) {
    const hashes = recoveryHashes(account);
    const presented = await recoveryCodeHash(account.user.userId, proof.code!);
    // Set membership of a keyed hash: no timing signal about the codes themselves.
    if (!hashes.has(presented)) return undefined;
    return {
      kind: 'recovery',
      amr: 'mfa',
      details: { remaining: hashes.size - 1 },
      writes: [recoveryStore.useCode(account.user.userId, presented)],
    };
  },
} satisfies SecondFactor<'recovery'>;
