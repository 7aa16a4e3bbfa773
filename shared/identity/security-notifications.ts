/**
 * Security notifications: the user is told by email when their account's security changes (a
 * factor added or removed, 2FA turned off, recovery codes made or used, an admin reset, a password
 * changed or reset, a support impersonation, a sign-in from a new device), so that a change they did
 * not make does not go unnoticed (OWASP ASVS 2.2.3).
 *
 * Driven by the audit trail, never inside the change's request: the security event of each audit
 * event (README: Security events) reaches `notifySecurityEvent` through an EventBridge rule and the
 * notifier function in AWS (functions/events/security-notification.ts), and through the stream
 * follower locally (infra/local/security-event-follower.ts). So a send that fails cannot undo or
 * delay the change, and no route needs SES.
 *
 * At least once, at most one email: EventBridge (and Lambda's retries) may deliver an event twice,
 * so each notice is claimed by the audit event's id (a conditional put with a TTL) before it is
 * sent; a failed send gives the claim back and throws, so a retry sends it. A process that dies
 * between the claim and the send loses that one notice: the rarer failure, chosen over duplicates.
 */
import { auditEventOf } from '../audit/security-event';
import type { AuditEvent } from '../audit/events';
import { now } from '../clock';
import { config } from '../config';
import { TooManyRequests } from '../errors';
import { logger } from '../log';
import { sendMail } from '../mail/send';
import { LANGUAGES, METHOD_NAMES, type Language, type SecurityNoticeKind } from '../mail/templates';
import * as metrics from '../metrics';
import { NOTICE_ACTIONS, type SecurityEvent } from '../model/security-event';
import { describeUserAgent } from '../model/user-agent';
import { getPolicy } from '../policy/policy';
import { claimNotice, releaseNotice } from './notice-store';
import { userStore } from './user-store';

/** Longer than EventBridge retries an event (24 hours) and Lambda keeps an async invocation (6 hours). */
const CLAIM_TTL_MS = 7 * 24 * 3600 * 1000;

/** The notice an audit event calls for, if any, and the factor it names. */
export function noticeOf(event: Pick<AuditEvent, 'action' | 'details'>): { kind: SecurityNoticeKind; method?: string } | undefined {
  // The rule in AWS matches only these: an action missing from the list would never be notified there.
  if (!(NOTICE_ACTIONS as readonly string[]).includes(event.action)) return undefined;
  const method = typeof event.details?.method === 'string' ? event.details.method : undefined;
  switch (event.action) {
    case 'factor.verified':
      return { kind: 'factor-added', method };
    case 'factor.removed':
      // One factor removed names its `method`; turning 2FA off removes them all and lists `methods`.
      return event.details?.methods !== undefined ? { kind: 'two-factor-disabled' } : { kind: 'factor-removed', method };
    case 'recovery.generated':
      return { kind: 'recovery-codes-generated' };
    case 'recovery.used':
      return { kind: 'recovery-code-used' };
    case 'factor.reset_by_admin':
      return { kind: 'two-factor-reset' };
    case 'password.changed':
      return { kind: 'password-changed' };
    case 'password.reset':
      return { kind: 'password-was-reset' };
    case 'impersonation.started':
      return { kind: 'impersonated' };
    case 'device.remembered':
      return { kind: 'new-device-sign-in' };
    default:
      return undefined;
  }
}

export type NotifyResult = metrics.NoticeOutcome | 'no_notice';

/**
 * Sends the notice a security event calls for. Answers what happened; throws only when the email
 * could not be delivered (the claim given back, so a redelivery tries again) or the event is not a
 * security event at all.
 */
export async function notifySecurityEvent(securityEvent: SecurityEvent): Promise<NotifyResult> {
  const event = auditEventOf(securityEvent);
  const notice = noticeOf(event);
  if (!notice || event.orgId === 'platform') return 'no_notice';
  const orgId = event.orgId;
  const done = (outcome: metrics.NoticeOutcome, error?: Error): metrics.NoticeOutcome => {
    metrics.securityNotice(outcome, orgId);
    // Ids only: never the address.
    const fields = { eventId: event.eventId, action: event.action, orgId, userId: event.targetUserId ?? event.actorId, outcome };
    if (error) logger.warn('security notice not sent', { ...fields, error });
    else logger.info('security notice', fields);
    return outcome;
  };

  if (!(await getPolicy(orgId)).notifications) return done('switched_off');
  const userId = event.targetUserId ?? event.actorId;
  const user = userId === undefined ? undefined : await userStore.get(userId);
  // The user's own org only: an impersonation is recorded in the support user's org too.
  if (!user || user.deletedAt || user.orgId !== orgId || user.status === 'deactivated') return done('no_recipient');

  const at = now();
  if (!(await claimNotice(event.eventId, at, new Date(at.getTime() + CLAIM_TTL_MS)))) return done('duplicate');
  const language = LANGUAGES.includes(user.language as Language) ? (user.language as Language) : 'en';
  const when = new Date(event.at);
  const vars = {
    at: when,
    atUtc: `${event.at.slice(0, 19).replace('T', ' ')} UTC`,
    where: [event.sourceIp, event.userAgent === undefined ? undefined : describeUserAgent(event.userAgent)].filter(Boolean).join(', ') || '—',
    link: `${config().PUBLIC_URL}/`,
    method: notice.method ? (METHOD_NAMES[language][notice.method] ?? notice.method) : '',
  };
  try {
    await sendMail(notice.kind, { to: user.email, orgId, language, vars });
  } catch (error) {
    // Over the mail limits: retrying would only be refused again; the notice is dropped, counted.
    if (error instanceof TooManyRequests) return done('rate_limited', error);
    await releaseNotice(event.eventId);
    done('failed', error as Error);
    throw error;
  }
  return done('sent');
}
