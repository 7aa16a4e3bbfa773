/**
 * The service's business metrics, as CloudWatch embedded metric format (EMF) lines in the function's
 * log (Powertools Metrics): CloudWatch extracts them from the log group, so recording one costs no
 * API call and no latency. The domain records with one call per event; the endpoint wrapper
 * (functions/endpoint.ts) flushes once per invocation, one EMF line per distinct set of dimensions.
 *
 * Cardinality (every distinct dimension combination is a paid metric): dimensions are only small
 * closed sets (outcome, method, reason). The org is never a dimension, since orgs grow without
 * bound; it travels as a plain EMF property (`orgId`) of the line, so Logs Insights can still
 * group by it: `filter ispresent(Logins) | stats sum(Logins) by orgId, outcome`.
 *
 * Off unless POWERTOOLS_METRICS_NAMESPACE is set (the stack sets it): locally (npm start, tests)
 * each event is a debug log line instead of a JSON blob on stdout.
 *
 * Powertools Metrics is loaded on the first flush that has a line to write, not at import: a
 * function that records nothing (GET /health, the reads) never pays for it at its cold start.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logger } from './log';
import { METRICS_NAMESPACE, METRICS_SERVICE, MetricName } from './model/metric-names';

export { METRICS_NAMESPACE, METRICS_SERVICE, MetricName };

export type LoginOutcome = 'success' | 'failed';
/** `password` for the first factor; the factor kind for the second. */
export type LoginMethod = 'password' | 'totp' | 'sms' | 'webauthn' | 'recovery' | 'email' | 'passkey' | 'device';
export type SmsRefusal = 'country_not_allowed' | 'rate_limited' | 'delivery_failed';
export type EmailRefusal = 'rate_limited' | 'delivery_failed' | 'suppressed';
/** What became of an audit event's security notice (shared/identity/security-notifications.ts). */
export type NoticeOutcome = 'sent' | 'duplicate' | 'switched_off' | 'no_recipient' | 'rate_limited' | 'failed';

type Name = (typeof MetricName)[keyof typeof MetricName];

interface Pending {
  name: Name;
  dimensions: Record<string, string>;
  orgId?: number;
}

let pending: Pending[] = [];
let emitter: Promise<{ metrics: Metrics; count: 'Count' }> | undefined;

function add(name: Name, dimensions: Record<string, string> = {}, orgId?: number): void {
  pending.push({ name, dimensions, orgId });
}

/** Password or second-factor login, by outcome and method. */
export const login = (outcome: LoginOutcome, method: LoginMethod, orgId?: number) => add(MetricName.logins, { outcome, method }, orgId);
/** A wrong, reused or expired second-factor code (or WebAuthn assertion). */
export const secondFactorFailure = (orgId?: number) => add(MetricName.secondFactorFailures, {}, orgId);
/** A user's second-factor step locked (the first lock, or the hard stop). */
export const lockout = (orgId?: number) => add(MetricName.lockouts, {}, orgId);
export const smsSent = (orgId?: number) => add(MetricName.smsSent, {}, orgId);
export const smsRefused = (reason: SmsRefusal, orgId?: number) => add(MetricName.smsRefused, { reason }, orgId);
/** For the email port (shared/adapters/email-sender.ts): one call where a message leaves. */
export const emailSent = (orgId?: number) => add(MetricName.emailSent, {}, orgId);
/** For the email port: one call where a message is not sent, with why. */
export const emailRefused = (reason: EmailRefusal, orgId?: number) => add(MetricName.emailRefused, { reason }, orgId);
export const impersonationStarted = (orgId?: number) => add(MetricName.impersonationsStarted, {}, orgId);
/** A security notice's outcome, for an audit event that calls for one. */
export const securityNotice = (outcome: NoticeOutcome, orgId?: number) => add(MetricName.securityNotices, { outcome }, orgId);
/** A refresh token presented again after its rotation: the session was revoked (RFC 9700 §4.14.2). */
export const refreshTokenReuse = () => add(MetricName.refreshTokenReuse);

/**
 * Writes what the invocation recorded and forgets it. Once per invocation (the endpoint wrapper);
 * events with the same dimensions and org share one EMF line.
 */
export async function flush(): Promise<void> {
  if (pending.length === 0) return;
  const events = pending;
  pending = [];
  const namespace = process.env.POWERTOOLS_METRICS_NAMESPACE;
  if (!namespace) {
    for (const event of events) logger.debug('metric', { metric: event.name, ...event.dimensions, orgId: event.orgId });
    return;
  }
  emitter ??= import('@aws-lambda-powertools/metrics').then(({ Metrics, MetricUnit }) => ({
    metrics: new Metrics({ namespace, serviceName: METRICS_SERVICE }),
    count: MetricUnit.Count,
  }));
  const { metrics, count } = await emitter;
  const lines = new Map<string, Pending[]>();
  for (const event of events) {
    const key = JSON.stringify([Object.entries(event.dimensions).sort(), event.orgId]);
    lines.set(key, [...(lines.get(key) ?? []), event]);
  }
  for (const group of lines.values()) {
    const { dimensions, orgId } = group[0]!;
    metrics.addDimensions(dimensions);
    if (orgId !== undefined) metrics.addMetadata('orgId', String(orgId));
    for (const event of group) metrics.addMetric(event.name, count, 1);
    metrics.publishStoredMetrics();
  }
}
