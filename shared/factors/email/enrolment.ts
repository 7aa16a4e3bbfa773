/**
 * Email codes: enrolling an address, sending a code, removing the factor.
 *
 * Enrolling sets the address (the account's own email unless another is named) unverified and sends
 * it a code; the code coming back (POST /api/two-factor/verify) verifies the factor, so every address,
 * the account's own included, proves it receives mail before it counts.
 *
 * Send budgets follow the SMS factor's reasoning. Every send draws on the user's own budgets
 * (interval, hour, day). A send to an address the user has not verified (enrolment) also draws on
 * the mail budgets every email shares, per address and per org (shared/mail/send.ts): anyone can
 * type in anyone's address. A send to the user's own verified address (login, step-up) does not:
 * otherwise anyone could block a victim's sign-in codes by spending that address's budget (password
 * reset requests, throwaway enrolments). Verifying an address needs its code, so the per-user caps
 * also bound what a verified address can receive.
 */
import type { Actor } from '../../audit/events';
import { config } from '../../config';
import { now } from '../../clock';
import { BadGateway, Conflict, ErrorCode } from '../../errors';
import { logger } from '../../log';
import { consumeMailLimits, deliverMail, mailLimits } from '../../mail/send';
import type { Language } from '../../mail/templates';
import { assertMethodAllowed, type Policy } from '../../policy/policy';
import { releaseWrites, type Interval, type Limit } from '../../ratelimit/limits';
import { epochSeconds } from '../../store/conditions';
import { transactWrite } from '../../store/transact';
import type { Principal } from '../../tokens/principal';
import { allowedMethods, factorOfKind, type Account, type FactorItem } from '../account';
import { accountAndPolicy, accountEvent, assertRecentSecondFactor } from '../authenticate';
import type { CodeItem } from '../code-store';
import { assertMayEnrol } from '../enrolment';
import { newCode } from '../one-time-code';
import { profileUpdate } from '../profile-store';
import { maskedAddressOf, openAddress, storedAddress } from './address';
import * as emailStore from './store';
import { CODE_TTL_SECONDS, emailCodeHash } from './strategy';

/** Sets (or replaces) the user's email factor, unverified, and sends the address its first code. */
export async function enrolEmail(
  principal: Principal,
  actor: Actor,
  input: { email?: string; code?: string },
  language?: Language,
): Promise<{ maskedAddress: string }> {
  const { account, policy } = await accountAndPolicy(principal);
  assertMayEnrol(principal, account, policy);
  assertMethodAllowed(policy, 'email');
  const existing = factorOfKind(account, 'email');
  if (existing?.verified) await assertRecentSecondFactor(principal, account, policy, actor, input.code);
  const address = input.email ?? account.user.email;
  const userId = account.user.userId;
  const at = now();
  const stored = await storedAddress(userId, address);
  const factorItem = emailStore.putFactor(userId, stored, at);
  // The preferred method stays a stronger one the user already has: email is the fallback.
  const profile = { ...(!account.user.preferredMethod && { preferred: 'email' as const }), ...(existing?.verified && { unverified: ['email' as const] }) };
  await transactWrite([
    factorItem,
    emailStore.deleteCode(userId),
    ...(Object.keys(profile).length ? [profileUpdate(userId, profile)] : []),
    accountEvent(account, 'factor.enrolled', actor, { method: 'email', ownAddress: address === account.user.email }, policy.sequence),
  ]);
  const factor = factorItem.Put!.Item as FactorItem;
  await sendTo(account, policy, factor, address, actor, language);
  return { maskedAddress: stored.maskedAddress };
}

/** Sends a fresh code to the user's email factor (enrolment, or a login with a pending token). */
export async function sendEmailCode(principal: Principal, actor: Actor, language?: Language): Promise<{ maskedAddress: string }> {
  const { account, policy } = await accountAndPolicy(principal);
  const factor = factorOfKind(account, 'email');
  if (!factor) throw new Conflict('You have no email second factor: enrol an address first', ErrorCode.conflict);
  if (factor.verified) {
    // An admin or support user whose org forces 2FA cannot sign in with email codes alone.
    if (!allowedMethods(account, policy).includes('email')) {
      throw new Conflict('Email codes alone are not enough for your role while two-factor authentication is forced: enrol an authenticator app or a security key', ErrorCode.methodNotAllowedByPolicy);
    }
  } else {
    assertMayEnrol(principal, account, policy);
  }
  assertMethodAllowed(policy, 'email');
  const to = await openAddress(factor);
  if (!to) throw new Conflict('The email address cannot be read: enrol it again', ErrorCode.conflict);
  await sendTo(account, policy, factor, to, actor, language);
  return { maskedAddress: maskedAddressOf(factor) };
}

async function sendLimits(account: Account, factor: FactorItem, to: string): Promise<(Limit | Interval)[]> {
  const c = config();
  const user = String(account.user.userId);
  const own: (Limit | Interval)[] = [
    { scope: 'email-code-user-interval', subject: user, intervalSeconds: c.EMAIL_CODE_MIN_INTERVAL_PER_USER },
    { scope: 'email-code-user-hour', subject: user, max: c.EMAIL_CODE_MAX_PER_USER_HOURLY, windowSeconds: 3600 },
    { scope: 'email-code-user-day', subject: user, max: c.EMAIL_CODE_MAX_PER_USER_DAILY, windowSeconds: 86400 },
  ];
  return factor.verified ? own : [...own, ...(await mailLimits(to, account.user.orgId))];
}

/** Limits, then the code stored (hashed) with its audit event, then the email: a code whose email failed is deleted. */
async function sendTo(account: Account, policy: Policy, factor: FactorItem, to: string, actor: Actor, language?: Language): Promise<void> {
  const { userId, orgId } = account.user;
  const at = now();
  const limits = await sendLimits(account, factor, to);
  await consumeMailLimits(limits, orgId);
  const code = newCode();
  const item: CodeItem = { codeHash: await emailCodeHash(userId, code), attempts: 0, expiresAt: epochSeconds(at) + CODE_TTL_SECONDS };
  const purpose = factor.verified ? 'login' : 'enrolment';
  await transactWrite([emailStore.putCode(userId, item, at), accountEvent(account, 'email_code.sent', actor, { purpose }, policy.sequence)]);
  const kind = factor.verified ? 'email-code' : 'email-code-enrolment';
  try {
    await deliverMail(kind, { to, orgId, language, vars: { code, minutes: String(CODE_TTL_SECONDS / 60) } });
  } catch (cause) {
    // The code never reached the user: it must not stay usable, nor count against the user's sends.
    await transactWrite([emailStore.discardCode(userId, item.codeHash), ...releaseWrites(limits, at)]).catch((error: unknown) =>
      logger.warn('Email code send not given back after the delivery failed', { userId, error: error as Error }),
    );
    logger.error('Email code delivery failed', { userId, error: cause as Error });
    throw new BadGateway(ErrorCode.emailDeliveryFailed, 'The email could not be sent; try again later', { cause });
  }
}
