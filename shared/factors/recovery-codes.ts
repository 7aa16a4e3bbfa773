/** The recovery-code routes' use cases: generate (a sensitive change) and count what is left. */
import type { Actor } from '../audit/events';
import type { Principal } from '../tokens/principal';
import { accountAndPolicy, accountOf, assertRecentSecondFactor, auditPut } from './authenticate';
import { profileUpdate } from './profile';
import { generateRecoveryCodes, recoveryHashes } from './recovery';

export async function regenerateRecoveryCodes(principal: Principal, actor: Actor, code?: string): Promise<string[]> {
  const { account, policy } = await accountAndPolicy(principal);
  await assertRecentSecondFactor(principal, account, policy, actor, code);
  return generateRecoveryCodes(account, [
    profileUpdate(account.user.userId, { verified: 'recovery' }),
    auditPut(account, 'recovery.generated', actor, { count: 10 }),
  ]);
}

export async function countRecoveryCodes(principal: Principal): Promise<number> {
  return recoveryHashes(await accountOf(principal.userId)).size;
}
