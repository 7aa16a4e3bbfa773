/**
 * The audit trail: one item per state change in the org's partition (platform events in their own),
 * always written in the same transaction as the change it records: no change without its event.
 * Events name who, when, what, from where; never a secret.
 */
import { randomUUID } from 'node:crypto';
import { now } from '../clock';
import { knownPolicySequence } from '../policy/policy';
import { tableName } from '../store/client';
import { keys } from '../store/keys';
import type { TransactItem } from '../store/transact';
import type { Principal } from '../tokens/principal';

/** Every action the trail records (the README lists them). */
export type AuditAction =
  | 'org.created'
  | 'user.created'
  | 'login.password'
  | 'session.ended'
  | 'sms.code_sent'
  | 'signing_key.rotated'
  | 'policy.method_enabled'
  | 'policy.method_disabled'
  | 'policy.forced'
  | 'policy.unforced'
  | 'policy.settings_changed'
  | 'factor.enrolled'
  | 'factor.verified'
  | 'factor.removed'
  | 'factor.reset_by_admin'
  | 'recovery.generated'
  | 'recovery.used'
  | 'mfa.locked_out'
  | 'login.two_factor'
  | 'impersonation.started'
  | 'impersonation.ended';

/**
 * Who did it and from where: the request's principal and network facts; or, before there is a
 * principal, the user signing in (`subject`); or a command-line tool (`system`).
 */
export interface Actor {
  principal?: Principal;
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
  /** The org policy's sequence when the event happened (default: as this process last read it). */
  policySequence?: number;
}

export function auditItem(input: AuditInput): Record<string, unknown> {
  const at = now().toISOString();
  const id = randomUUID();
  const p = input.actor.principal ?? input.actor.subject;
  const policySequence = input.policySequence ?? (input.orgId === 'platform' ? undefined : knownPolicySequence(input.orgId));
  return {
    ...keys.audit(input.orgId, at, id),
    eventId: id,
    orgId: input.orgId,
    at,
    action: input.action,
    ...(p && { actorId: p.userId, actorOrgId: p.orgId, actorRole: p.role }),
    ...(input.actor.principal?.actorId !== undefined && { act: { sub: String(input.actor.principal.actorId) } }),
    ...(input.actor.system && { actorSystem: input.actor.system }),
    ...(input.targetUserId !== undefined && { targetUserId: input.targetUserId }),
    ...(input.details && { details: input.details }),
    ...(policySequence !== undefined && { policySequence }),
    ...(input.actor.sourceIp !== undefined && { sourceIp: input.actor.sourceIp }),
    ...(input.actor.userAgent !== undefined && { userAgent: input.actor.userAgent.slice(0, 512) }),
  };
}

/** The event as one item of a transaction (with the change it records). */
export const auditPut = (input: AuditInput): TransactItem => ({ Put: { TableName: tableName(), Item: auditItem(input) } });
