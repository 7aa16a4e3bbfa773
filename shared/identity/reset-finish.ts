/**
 * The second half of a password reset for a user with a second factor (./password-reset.ts): the
 * pending token of scope "reset" and a proof of any of the user's factors, or a recovery code, at
 * `POST /2fa/authenticate`. The proof's race gate, the pending reset spent (only this token's), the
 * new password set and the audit event go in one transaction that also spends the token; then every
 * session ends. No tokens come back: the user signs in with the new password.
 */
import type { Actor } from '../audit/events';
import { now } from '../clock';
import { ErrorCode, Forbidden, Unauthenticated } from '../errors';
import { accountAndPolicy, accountEvent, commit, deviceRevocation, prove } from '../factors/authenticate';
import type { Proof } from '../factors/second-factor';
import { epochSeconds } from '../store/conditions';
import type { Principal } from '../tokens/principal';
import { revokeAllSessions } from '../tokens/sessions';
import { pendingResetSortKey, spendPendingReset, type PendingResetItem } from './link-store';
import { userStore } from './user-store';

export async function finishReset(principal: Principal, proof: Proof, actor: Actor): Promise<void> {
  if (principal.pendingPurpose !== 'reset' || !principal.tokenId) throw new Forbidden('Only a pending password-reset token finishes a reset');
  const at = now();
  const { account, policy } = await accountAndPolicy(principal);
  const pending = account.others.get(pendingResetSortKey) as PendingResetItem | undefined;
  if (!pending || pending.jti !== principal.tokenId || pending.expiresAt <= epochSeconds(at)) {
    throw new Unauthenticated('This reset was finished, replaced by a newer one, or has expired: ask for a new reset link', ErrorCode.invalidToken);
  }
  const match = await prove(account, proof, actor, { allowed: policy.methods, policySequence: policy.sequence });
  const { userId } = account.user;
  await commit(
    account,
    match,
    actor,
    [
      spendPendingReset(userId, pending.jti, at),
      userStore.setPassword(userId, pending.passwordHash),
      accountEvent(account, 'password.reset', actor, { method: match.kind }, policy.sequence),
      ...deviceRevocation(account, 'password_reset', actor, policy.sequence),
    ],
    { consumesCredential: true, policySequence: policy.sequence },
  );
  await revokeAllSessions(userId);
}
