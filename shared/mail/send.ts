/**
 * Sending an email of a kind: limits first (per recipient, per org), then the port. Each send counts
 * against the limits in one conditional transaction, so a flood of invitations or reset requests to
 * one address, or from one org, stops at the limit without anyone's mailbox filling up.
 */
import { emailSender } from '../adapters/email-sender';
import { now } from '../clock';
import { config } from '../config';
import { keyedHash } from '../crypto/secrets';
import { TooManyRequests } from '../errors';
import * as metrics from '../metrics';
import { consume, type Interval, type Limit } from '../ratelimit/limits';
import { render } from './render';
import { templateOf, type Language, type MailKind, type MailVariables } from './templates';

export interface Mail<K extends MailKind> {
  to: string;
  orgId: number;
  language?: Language;
  vars: MailVariables[K];
}

/** The limits every email draws on: per recipient (any kind of email) and per org. */
export async function mailLimits(to: string, orgId: number): Promise<Limit[]> {
  const c = config();
  // The address only as a keyed hash: a counter item must not reveal who receives mail.
  const recipient = await keyedHash('mail-rate-limit-recipient', to.toLowerCase());
  return [
    { scope: 'mail-recipient-hour', subject: recipient, max: c.MAIL_MAX_PER_RECIPIENT_HOURLY, windowSeconds: 3600 },
    { scope: 'mail-recipient-day', subject: recipient, max: c.MAIL_MAX_PER_RECIPIENT_DAILY, windowSeconds: 86400 },
    { scope: 'mail-org-hour', subject: String(orgId), max: c.MAIL_MAX_PER_ORG_HOURLY, windowSeconds: 3600 },
  ];
}

/** Sends one email, or throws 429 when a limit refuses it (nothing is sent then). */
export async function sendMail<K extends MailKind>(kind: K, mail: Mail<K>): Promise<void> {
  await consumeMailLimits(await mailLimits(mail.to, mail.orgId), mail.orgId);
  await deliverMail(kind, mail);
}

/** Consumes limits for a send (the mail's own, and any the caller adds), all or none: 429 when one refuses. */
export async function consumeMailLimits(limits: (Limit | Interval)[], orgId: number): Promise<void> {
  await consume(limits, now(), 'Too many emails sent to this address or from this org; retry later').catch((error: unknown) => {
    if (error instanceof TooManyRequests) metrics.emailRefused('rate_limited', orgId);
    throw error;
  });
}

/** Renders and sends one email whose limits the caller consumed already. */
export async function deliverMail<K extends MailKind>(kind: K, mail: Mail<K>): Promise<void> {
  const language = mail.language ?? 'en';
  const vars = { ...mail.vars, app: config().APP_NAME } as Record<string, string | Date>;
  try {
    await (await emailSender()).send(render(templateOf(kind, language), vars, language, mail.to));
  } catch (error) {
    metrics.emailRefused('delivery_failed', mail.orgId);
    throw error;
  }
  metrics.emailSent(mail.orgId);
}
