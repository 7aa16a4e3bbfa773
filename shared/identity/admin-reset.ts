/** An admin (or support) resets a user's 2FA: every factor, the lockout and the remembered devices gone, every session ended. */
import type { Actor } from '../audit/events';
import { NotFound } from '../errors';
import { accountEvent, accountOf, deviceRevocation } from '../factors/authenticate';
import { factorRemoval } from '../factors/enrolment';
import { getPolicy } from '../policy/policy';
import { transactWrite } from '../store/transact';
import type { Principal } from '../tokens/principal';
import { revokeAllSessions } from '../tokens/sessions';
import { mayEditUser } from './permissions';
import { getUser } from './users';

export async function resetTwoFactor(principal: Principal, targetUserId: number, actor: Actor): Promise<void> {
  const target = await getUser(targetUserId);
  if (!target || !mayEditUser(principal, target)) throw new NotFound(`User ${targetUserId} not found`);
  const [account, policy] = await Promise.all([accountOf(targetUserId), getPolicy(target.orgId)]);
  const { kinds, writes } = factorRemoval(account, { lockout: true });
  await transactWrite([
    ...writes,
    accountEvent(account, 'factor.reset_by_admin', actor, { methods: kinds.join(',') }, policy.sequence),
    ...deviceRevocation(account, 'two_factor_reset', actor, policy.sequence),
  ]);
  await revokeAllSessions(targetUserId);
}
