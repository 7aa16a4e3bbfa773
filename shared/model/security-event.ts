/**
 * The security event as EventBridge delivers it to a rule's target (README: Security events): its
 * shape is made by the pipe (infra/security-events.ts); a leaf, so the notifier that receives it and
 * the CDK app that defines it both take it.
 */
export const SECURITY_EVENT_SOURCE = 'twofactor.audit';
export const SECURITY_EVENT_VERSION = 1;

export interface SecurityEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: typeof SECURITY_EVENT_SOURCE;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: SecurityEventDetail;
}

export interface SecurityEventDetail {
  version: typeof SECURITY_EVENT_VERSION;
  eventId: string;
  orgId: string;
  action: string;
  time: string;
  /** The audit item in DynamoDB's attribute-value form. */
  record: Record<string, unknown>;
}

/**
 * The audit actions a security notice is sent for (shared/identity/security-notifications.ts): the
 * EventBridge rule of the notifier matches only these, so no other event invokes it.
 */
export const NOTICE_ACTIONS = [
  'factor.verified',
  'factor.removed',
  'recovery.generated',
  'recovery.used',
  'factor.reset_by_admin',
  'password.changed',
  'password.reset',
  'impersonation.started',
  'device.remembered',
] as const;
