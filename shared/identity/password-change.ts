/**
 * A signed-in user changes their own password: the current password, and a recent second factor
 * where the user has one (the rule of every sensitive change); the new one must pass the password
 * rules. Every other session ends (someone who knew the old password may hold one); the current one
 * continues. The user is told by email, so a change they did not make does not go unnoticed: by the
 * security notifier, from the audit event (./security-notifications.ts), never inside this request.
 */
import { auditPut, type Actor } from '../audit/events';
import { now } from '../clock';
import { config } from '../config';
import { ErrorCode, Forbidden } from '../errors';
import { usableMethods } from '../factors/account';
import { accountAndPolicy, assertRecentSecondFactor, deviceRevocation } from '../factors/authenticate';
import type { Language } from '../mail/templates';
import { requiresTwoFactor } from '../policy/role-rules';
import { assertUnderLimits, record, type Limit } from '../ratelimit/limits';
import { transactWrite } from '../store/transact';
import type { Principal } from '../tokens/principal';
import { revokeAllSessions } from '../tokens/sessions';
import { checkNewPassword } from './password-rules';
import { hashPassword, verifyPassword } from './passwords';
import { userStore } from './user-store';

export interface PasswordChange {
  currentPassword: string;
  newPassword: string;
  /** A second-factor code, where the session's own second factor is not recent. */
  code?: string;
}

/** Wrong current passwords count like failed logins: a stolen session cannot guess the password. */
const failureLimit = (userId: number): Limit => ({
  scope: 'password-change-fail',
  subject: String(userId),
  max: config().LOGIN_MAX_FAILURES_PER_ACCOUNT,
  windowSeconds: config().LOGIN_FAILURE_WINDOW,
});

export async function changePassword(principal: Principal, change: PasswordChange, actor: Actor, language?: Language): Promise<void> {
  const at = now();
  const limit = failureLimit(principal.userId);
  await assertUnderLimits([limit], at, 'Too many wrong passwords; retry later');
  const { account, policy } = await accountAndPolicy(principal);
  const { user } = account;
  if (!(await verifyPassword(change.currentPassword, user.passwordHash))) {
    await record([limit], at);
    throw new Forbidden('The current password is wrong', ErrorCode.invalidCredentials);
  }
  const hasFactor = usableMethods(account, policy.methods).length > 0;
  if (hasFactor) await assertRecentSecondFactor(principal, account, policy, actor, change.code);
  await checkNewPassword(change.newPassword, { passwordOnly: !hasFactor && !requiresTwoFactor(policy, user.role), email: user.email });
  await transactWrite([
    // The reader's language, for the notices to come, rides on the write the change makes anyway.
    userStore.setPassword(user.userId, await hashPassword(change.newPassword), language),
    auditPut({ orgId: user.orgId, action: 'password.changed', actor, targetUserId: user.userId, policySequence: policy.sequence }),
    // Someone who knew the old password may have remembered a device of their own.
    ...deviceRevocation(account, 'password_changed', actor, policy.sequence),
  ]);
  await revokeAllSessions(user.userId, { except: principal.sid });
}
