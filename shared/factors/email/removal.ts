/**
 * Removing the email factor. Apart from enrolment.ts so that the route that removes it bundles no
 * email sender (its IAM role has no SES).
 */
import type { Actor } from '../../audit/events';
import { Forbidden, NotFound } from '../../errors';
import { LostRace } from '../../store/conditions';
import { transactWrite } from '../../store/transact';
import type { Principal } from '../../tokens/principal';
import { factorOfKind } from '../account';
import { accountAndPolicy, accountEvent, assertRecentSecondFactor } from '../authenticate';
import { profileUpdate } from '../profile-store';
import * as emailStore from './store';

/**
 * Removes the email factor (needs a recent second factor or a code). Removing email never leaves an
 * admin with email alone; removing their last strong factor is what is refused (../account.ts).
 */
export async function removeEmail(principal: Principal, actor: Actor, code?: string): Promise<void> {
  const { account, policy } = await accountAndPolicy(principal);
  if (principal.actorId !== undefined) throw new Forbidden('An impersonation token cannot change second factors');
  const factor = factorOfKind(account, 'email');
  if (!factor) throw new NotFound('You have no email second factor');
  if (factor.verified) await assertRecentSecondFactor(principal, account, policy, actor, code);
  const userId = account.user.userId;
  try {
    await transactWrite([
      emailStore.removeFactor(userId, factor.createdAt),
      emailStore.deleteCode(userId),
      profileUpdate(userId, { unverified: ['email'], ...(account.user.preferredMethod === 'email' && { preferred: null }) }),
      accountEvent(account, 'factor.removed', actor, { method: 'email' }, policy.sequence),
    ]);
  } catch (error) {
    if (error instanceof LostRace && error.lost(0)) throw new NotFound('You have no email second factor');
    throw error;
  }
}
