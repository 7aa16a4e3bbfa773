/**
 * SMS enrolment and sending: a new send replaces the old code; it goes only to country calling
 * codes the deployment and the org allow. A code whose SMS failed is deleted, not left usable.
 *
 * Send budgets (against SMS pumping and number bombing) depend on whose number it is. A send to a
 * number the user has not verified (enrolment) draws on per-number, per-org and per-user budgets:
 * anyone can type in anyone's number. A send to the user's own verified number (login, step-up)
 * draws on the user's budgets only, so no other user, in any org, can spend it: enrolling a victim's
 * number on throwaway users cannot lock the victim out. Verifying a number needs its code, so the
 * per-user caps also bound what a verified number can receive.
 */
import { smsSender } from '../../adapters/sms-sender';
import type { Actor } from '../../audit/events';
import { config } from '../../config';
import { now } from '../../clock';
import { BadGateway, Conflict, ErrorCode, NotFound, TooManyRequests, Unavailable } from '../../errors';
import { logger } from '../../log';
import * as metrics from '../../metrics';
import { assertMethodAllowed } from '../../policy/policy';
import { consume, releaseWrites, type Interval, type Limit } from '../../ratelimit/limits';
import { epochSeconds, LostRace } from '../../store/conditions';
import { transactWrite } from '../../store/transact';
import type { Principal } from '../../tokens/principal';
import { factorOfKind, type Account, type FactorItem } from '../account';
import { accountAndPolicy, accountEvent, assertRecentSecondFactor } from '../authenticate';
import { assertMayEnrol } from '../enrolment';
import { newCode } from '../one-time-code';
import { profileUpdate } from '../profile-store';
import { assertCountryAllowed, openPhone, parsePhone, phoneRateSubject, storedPhone } from './phone';
import * as smsStore from './store';
import type { SmsCodeItem } from './store';
import { CODE_TTL_SECONDS, smsCodeHash } from './strategy';

/** Sets (or replaces) the user's phone number, unverified until a sent code comes back. */
export async function enrolSms(
  principal: Principal,
  actor: Actor,
  input: { prefix: number | string; phone: number | string; code?: string },
) {
  const { account, policy } = await accountAndPolicy(principal);
  assertMayEnrol(principal, account, policy);
  assertMethodAllowed(policy, 'sms');
  const phone = await parsePhone(input.prefix, input.phone);
  assertCountryAllowed(phone.countryCode, policy);
  const existing = factorOfKind(account, 'sms');
  if (existing?.verified) await assertRecentSecondFactor(principal, account, policy, actor, input.code);
  const userId = account.user.userId;
  await transactWrite([
    smsStore.putFactor(userId, await storedPhone(userId, phone), now()),
    smsStore.deleteCode(userId),
    profileUpdate(userId, { preferred: 'sms', ...(existing?.verified && { unverified: ['sms'] }) }),
    accountEvent(account, 'factor.enrolled', actor, { method: 'sms', country: phone.countryCode }, policy.sequence),
  ]);
}

async function sendLimits(account: Account, factor: FactorItem, e164: string): Promise<(Limit | Interval)[]> {
  const c = config();
  const user = String(account.user.userId);
  const own: (Limit | Interval)[] = [
    { scope: 'sms-user-interval', subject: user, intervalSeconds: c.SMS_MIN_INTERVAL_PER_USER },
    { scope: 'sms-user-hour', subject: user, max: c.SMS_MAX_PER_USER_HOURLY, windowSeconds: 3600 },
    { scope: 'sms-user-day', subject: user, max: c.SMS_MAX_PER_USER_DAILY, windowSeconds: 86400 },
  ];
  if (factor.verified) return own;
  const phone = await phoneRateSubject(e164);
  return [
    ...own,
    { scope: 'sms-enrol-phone-10min', subject: phone, max: c.SMS_MAX_PER_PHONE_10MIN, windowSeconds: 600 },
    { scope: 'sms-enrol-phone-day', subject: phone, max: c.SMS_MAX_PER_PHONE_DAILY, windowSeconds: 86400 },
    { scope: 'sms-enrol-org-hour', subject: String(account.user.orgId), max: c.SMS_MAX_PER_ORG_HOURLY, windowSeconds: 3600 },
  ];
}

function messageFor(code: string, language?: string): string {
  const templates = config().SMS_TEMPLATES;
  // Own keys only: a hostile Accept-Language such as `__proto__` must not pick anything else.
  const template = language && Object.hasOwn(templates, language) ? templates[language]! : templates.en;
  return template.replaceAll('{code}', code).replaceAll('{app}', config().APP_NAME);
}

/** Sends a fresh code to the user's phone (enrolment, or a login with a pending token), audited with the code. */
export async function sendSmsCode(principal: Principal, actor: Actor, language?: string): Promise<void> {
  const { account, policy } = await accountAndPolicy(principal);
  const factor = factorOfKind(account, 'sms');
  if (!factor) throw new Conflict('Your two-factor method is not SMS: set a phone number first', ErrorCode.conflict);
  assertMethodAllowed(policy, 'sms');
  if (!factor.verified) assertMayEnrol(principal, account, policy);
  assertCountryAllowed(factor.countryCode as string, policy);
  const to = await openPhone(factor);
  if (!to) throw new Conflict('The phone number cannot be read: set it again', ErrorCode.conflict);
  const at = now();
  const limits = await sendLimits(account, factor, to);
  await consume(limits, at, 'Too many codes sent; retry later').catch((error: unknown) => {
    if (error instanceof TooManyRequests) metrics.smsRefused('rate_limited', account.user.orgId);
    throw error;
  });

  const code = newCode();
  const userId = account.user.userId;
  const item: SmsCodeItem = { codeHash: await smsCodeHash(userId, code), attempts: 0, expiresAt: epochSeconds(at) + CODE_TTL_SECONDS };
  await transactWrite([
    smsStore.putCode(userId, item, at),
    accountEvent(
      account,
      'sms.code_sent',
      actor,
      { purpose: factor.verified ? 'login' : 'enrolment', country: factor.countryCode as string },
      policy.sequence,
    ),
  ]);
  try {
    await (await smsSender()).send(to, messageFor(code, language));
    metrics.smsSent(account.user.orgId);
  } catch (cause) {
    // The code never reached the user: it must not stay usable, nor count against the user's sends.
    await transactWrite([smsStore.discardCode(userId, item.codeHash), ...releaseWrites(limits, at)]).catch((error: unknown) =>
      logger.warn('SMS send not given back after the delivery failed', { userId, error: error as Error }),
    );
    metrics.smsRefused('delivery_failed', account.user.orgId);
    logger.error('SMS delivery failed', { userId, error: cause as Error });
    if (cause instanceof Unavailable) {
      // Throttled or down: worth retrying shortly, and the send was not counted.
      throw new Unavailable('The SMS could not be sent right now; retry after the time in Retry-After', {
        code: ErrorCode.smsDeliveryFailed,
        retryAfterSeconds: Number(cause.headers['Retry-After']),
        cause,
      });
    }
    throw new BadGateway(ErrorCode.smsDeliveryFailed, 'The SMS could not be sent; try again later', { cause });
  }
}

/**
 * The user removes their phone. A verified number is a factor: removing it needs a recent second
 * factor (or a code), as removing a security key does. A number whose set-up was never finished
 * proves nothing, so cancelling its set-up needs no second factor.
 */
export async function removeSms(principal: Principal, actor: Actor, code?: string): Promise<void> {
  const { account, policy } = await accountAndPolicy(principal);
  const factor = factorOfKind(account, 'sms');
  if (!factor) throw new NotFound('You have no phone number for text messages');
  if (factor.verified) await assertRecentSecondFactor(principal, account, policy, actor, code);
  else assertMayEnrol(principal, account, policy);
  const userId = account.user.userId;
  try {
    await transactWrite([
      smsStore.removeFactor(userId),
      smsStore.deleteCode(userId),
      profileUpdate(userId, { unverified: ['sms'], ...(account.user.preferredMethod === 'sms' && { preferred: null }) }),
      accountEvent(account, 'factor.removed', actor, { method: 'sms', country: factor.countryCode as string }, policy.sequence),
    ]);
  } catch (error) {
    if (error instanceof LostRace && error.lost(0)) throw new NotFound('You have no phone number for text messages');
    throw error;
  }
}
