/**
 * Password reset that does not bypass 2FA.
 *
 * Forgot (`requestPasswordReset`): always the same answer after the same work, so it tells nobody
 * which emails have accounts: the same rate limits, the same two reads, one token HMAC and one
 * conditional transaction (which only an active user's existence lets through), and for an unknown
 * address, instead of the email, a wait until as long has gone as one of the recent known
 * addresses' whole requests took here (./answer-time.ts).
 *
 * Reset (`resetPassword`): the link is checked and the new password is checked against the rules.
 * Without a second factor the link is spent and the password set in one transaction. With one, the
 * link is spent and the new password's scrypt hash (never the password) waits in the user's
 * partition for a pending token of scope "reset" (not a login token: neither works as the other);
 * `POST /2fa/authenticate` with that token and any of the user's factors, or a recovery code,
 * finishes it (./reset-finish.ts). Storing the hash rather than asking for the password again
 * keeps the second step the login's own, and checks the password before the factor is spent.
 * Either way every session of the user ends.
 */
import { auditPut, type Actor } from '../audit/events';
import { now } from '../clock';
import { config } from '../config';
import { keyedHash } from '../crypto/secrets';
import { loadAccount, usableMethods, type FactorKind } from '../factors/account';
import { deviceRevocation } from '../factors/authenticate';
import { logger } from '../log';
import { sendMail } from '../mail/send';
import type { Language } from '../mail/templates';
import { getPolicy } from '../policy/policy';
import { requiresTwoFactor } from '../policy/role-rules';
import { consume, type Limit } from '../ratelimit/limits';
import { epochSeconds, LostRace } from '../store/conditions';
import { transactWrite } from '../store/transact';
import { signToken } from '../tokens/jwt';
import { revokeAllSessions } from '../tokens/sessions';
import { answerTime } from './answer-time';
import { putPendingReset, spendLink } from './link-store';
import { checkLink, invalidLink, issueLink, userIdOfLink } from './links';
import { checkNewPassword } from './password-rules';
import { hashPassword } from './passwords';
import { userStore } from './user-store';
import { getUser, userIdByEmail } from './users';

async function forgotLimits(email: string, sourceIp: string): Promise<Limit[]> {
  const c = config();
  // The address only as a keyed hash: a counter item must not say who asked.
  const subject = await keyedHash('password-reset-rate-limit', email);
  return [
    { scope: 'reset-email', subject, max: c.PASSWORD_RESET_MAX_PER_EMAIL, windowSeconds: c.PASSWORD_RESET_WINDOW },
    { scope: 'reset-ip', subject: sourceIp, max: c.PASSWORD_RESET_MAX_PER_IP, windowSeconds: c.PASSWORD_RESET_WINDOW },
  ];
}

/** An unknown address answers no sooner than a known one, whose request includes the email's sending. */
const forgotTime = answerTime();

export async function requestPasswordReset(email: string, actor: Actor & { sourceIp: string }, language?: Language): Promise<void> {
  const started = forgotTime.start();
  const at = now();
  await consume(await forgotLimits(email, actor.sourceIp), at, 'Too many password-reset requests; retry later');
  // Unknown addresses read user 0's empty item: the same two reads either way.
  const userId = (await userIdByEmail(email)) ?? 0;
  const user = await getUser(userId);
  const link = await issueLink(userId, 'reset', config().PASSWORD_RESET_TTL, at);
  const known = !!user && (user.status ?? 'active') === 'active';
  try {
    // The condition lets only an active user's link through; for anyone else the same call is refused.
    await transactWrite([
      userStore.assertStatus(userId, 'active'),
      link.write,
      ...(known ? [auditPut({ orgId: user.orgId, action: 'password.reset_requested', actor, targetUserId: userId })] : []),
    ]);
  } catch (error) {
    if (!(error instanceof LostRace)) throw error;
    return forgotTime.pad(started);
  }
  if (!known) return forgotTime.pad(started);
  try {
    await sendMail('password-reset', { to: user.email, orgId: user.orgId, language, vars: { link: link.url, expiresAt: link.expiresAt } });
  } catch (error) {
    // Answering differently (a 429 from the mail limits, a 502) would tell that the account exists.
    logger.warn('password-reset email not sent', { userId, error: error as Error });
  } finally {
    forgotTime.record(started);
  }
}

export type ResetResult = { kind: 'done' } | { kind: 'pending'; pendingToken: string; expiresIn: number; methods: FactorKind[] };

export async function resetPassword(token: string, password: string, actor: Actor): Promise<ResetResult> {
  const at = now();
  const account = await loadAccount(userIdOfLink('reset', token));
  const tokenHash = await checkLink(account, 'reset', token, at);
  const { user } = account!;
  if ((user.status ?? 'active') !== 'active') throw invalidLink('reset');
  const policy = await getPolicy(user.orgId);
  const methods = usableMethods(account!, policy.methods);
  await checkNewPassword(password, { passwordOnly: methods.length === 0 && !requiresTwoFactor(policy, user.role), email: user.email });
  const passwordHash = await hashPassword(password);
  const subject = { userId: user.userId, orgId: user.orgId, role: user.role };
  const event = (action: 'password.reset' | 'password.reset_started') =>
    auditPut({ orgId: user.orgId, action, actor: { ...actor, subject }, targetUserId: user.userId, policySequence: policy.sequence });

  if (methods.length === 0) {
    await spendInOne([
      spendLink(user.userId, 'reset', tokenHash, at),
      userStore.setPassword(user.userId, passwordHash),
      event('password.reset'),
      ...deviceRevocation(account!, 'password_reset', { ...actor, subject }, policy.sequence),
    ]);
    await revokeAllSessions(user.userId);
    return { kind: 'done' };
  }
  const ttl = config().PENDING_TOKEN_TTL;
  const { token: pendingToken, jti } = await signToken(
    { sub: String(user.userId), org: user.orgId, role: user.role, aal: 1, amr: [], auth_time: epochSeconds(at), scope: 'reset' },
    ttl,
  );
  await spendInOne([
    spendLink(user.userId, 'reset', tokenHash, at),
    putPendingReset(user.userId, { jti, passwordHash, expiresAt: epochSeconds(at) + ttl }),
    event('password.reset_started'),
  ]);
  return { kind: 'pending', pendingToken, expiresIn: ttl, methods };
}

/** The link's transaction: a lost race means the link was spent or replaced meanwhile. */
async function spendInOne(items: Parameters<typeof transactWrite>[0]): Promise<void> {
  try {
    await transactWrite(items);
  } catch (error) {
    if (error instanceof LostRace && error.lost(0)) throw invalidLink('reset');
    throw error;
  }
}
