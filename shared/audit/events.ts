/**
 * The audit trail: one event per state change, always written in the same transaction as the change
 * it records: no change without its event. Events name who, when, what, from where; never a secret.
 * This module knows nothing of policies or tokens: the caller says what it knows (the principal, the
 * policy's sequence where it has the policy at hand).
 */
export { auditItem, auditPut } from './store';

/** Every action the trail records (the README lists them). */
export type AuditAction =
  | 'org.created'
  | 'user.created'
  | 'user.imported'
  | 'org.exported'
  | 'user.deactivated'
  | 'user.reactivated'
  | 'user.deleted'
  | 'user.role_changed'
  | 'user.email_change_requested'
  | 'user.email_changed'
  | 'sessions.ended_others'
  | 'user.invited'
  | 'user.invitation_accepted'
  | 'password.changed'
  | 'password.reset_requested'
  | 'password.reset_started'
  | 'password.reset'
  | 'login.password'
  | 'session.ended'
  | 'sms.code_sent'
  | 'email_code.sent'
  | 'signing_key.rotated'
  | 'policy.method_enabled'
  | 'policy.method_disabled'
  | 'policy.forced'
  | 'policy.unforced'
  | 'policy.settings_changed'
  | 'policy.role_rules_changed'
  | 'factor.enrolled'
  | 'factor.verified'
  | 'factor.removed'
  | 'factor.reset_by_admin'
  | 'recovery.generated'
  | 'recovery.used'
  | 'mfa.locked_out'
  | 'login.two_factor'
  | 'login.passkey'
  | 'impersonation.started'
  | 'impersonation.ended'
  | 'device.remembered'
  | 'device.forgotten'
  | 'devices.revoked'
  | 'login.remembered_device';

/** Who a request acts as: the parts of an authenticated principal the trail records (a Principal is one). */
export interface ActingPrincipal {
  userId: number;
  orgId: number;
  role: string;
  /** The support user acting through an impersonation token. */
  actorId?: number;
}

/**
 * Who did it and from where: the request's principal and network facts; or, before there is a
 * principal, the user signing in (`subject`); or a command-line tool (`system`).
 */
export interface Actor {
  principal?: ActingPrincipal;
  subject?: { userId: number; orgId: number; role: string };
  system?: string;
  sourceIp?: string;
  userAgent?: string;
}

/** The actor of a command-line tool run by an operator (bootstrap, rotate-signing-key). */
export const cliActor = (name: string): Actor => ({ system: name });

export interface AuditInput {
  /** `platform`: an event of no org (signing keys). */
  orgId: number | 'platform';
  action: AuditAction;
  actor: Actor;
  /** Acting on someone other than the actor (a reset, an impersonation). */
  targetUserId?: number;
  details?: Record<string, string | number | boolean | string[]>;
  /** The org policy's sequence when the event happened, where the caller has the policy at hand. */
  policySequence?: number;
}

/** An event as the trail answers it (GET /api/audit). */
export interface AuditEvent {
  eventId: string;
  orgId: number | 'platform';
  at: string;
  action: AuditAction;
  actorId?: number;
  actorOrgId?: number;
  actorRole?: string;
  act?: { sub: string };
  actorSystem?: string;
  targetUserId?: number;
  details?: AuditInput['details'];
  policySequence?: number;
  sourceIp?: string;
  userAgent?: string;
}
