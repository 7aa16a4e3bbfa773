/**
 * The names the business metrics are recorded under (shared/metrics.ts) and the stack's alarms and
 * dashboard read: constants only, so the CDK app takes them without loading the metrics runtime.
 */

/** The CloudWatch namespace the stack sets and its alarms read. */
export const METRICS_NAMESPACE = 'TwoFactor';
/** Powertools adds it as the `service` dimension of every metric. */
export const METRICS_SERVICE = 'twofactor';

/** Metric names, for the stack's alarms and dashboard. */
export const MetricName = {
  logins: 'Logins',
  secondFactorFailures: 'SecondFactorFailures',
  lockouts: 'Lockouts',
  smsSent: 'SmsSent',
  smsRefused: 'SmsRefused',
  emailSent: 'EmailSent',
  emailRefused: 'EmailRefused',
  impersonationsStarted: 'ImpersonationsStarted',
  refreshTokenReuse: 'RefreshTokenReuse',
  securityNotices: 'SecurityNotices',
} as const;
