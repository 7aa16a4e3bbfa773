/** The recovery-code routes' use cases: generate (a sensitive change) and count what is left. */
import type { Actor } from '../../audit/events';
import { now } from '../../clock';
import { Conflict } from '../../errors';
import { transactWrite } from '../../store/transact';
import type { Principal } from '../../tokens/principal';
import { accountAndPolicy, accountEvent, ownAccount, assertRecentSecondFactor } from '../authenticate';
import { profileUpdate } from '../profile-store';
import { newRecoveryCode, RECOVERY_CODE_COUNT, recoveryCodeHash, recoveryHashes } from './codes';
import * as recoveryStore from './store';

/**
 * Replaces the user's recovery codes with 10 new ones, answered once and never stored in the clear;
 * the profile and the audit event are written in the same transaction.
 */
export async function regenerateRecoveryCodes(principal: Principal, actor: Actor, code?: string): Promise<string[]> {
  const { account, policy } = await accountAndPolicy(principal);
  await assertRecentSecondFactor(principal, account, policy, actor, code);
  if (!account.factors.some((f) => f.verified && f.kind !== 'recovery')) {
    throw new Conflict('Set up a second factor before generating recovery codes');
  }
  const userId = account.user.userId;
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  const hashes = new Set(await Promise.all(codes.map((c) => recoveryCodeHash(userId, c))));
  await transactWrite([
    recoveryStore.put(userId, hashes, now()),
    profileUpdate(userId, { verified: 'recovery' }),
    accountEvent(account, 'recovery.generated', actor, { count: RECOVERY_CODE_COUNT }, policy.sequence),
  ]);
  return codes;
}

export async function countRecoveryCodes(principal: Principal): Promise<number> {
  return recoveryHashes(await ownAccount(principal)).size;
}
