/**
 * The audit trail: one item per security-relevant event in the org's partition, written in the same
 * transaction as the change it records where there is one. Events name who, when, what, from where;
 * never a secret.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { now } from '../clock';
import { knownPolicySequence } from '../policy/policy';
import { db, tableName } from '../store/client';
import { keys } from '../store/keys';
import type { Principal } from '../tokens/principal';

export type AuditAction =
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

/** Who did it and from where: the request's principal and network facts. */
export interface Actor {
  principal?: Principal;
  sourceIp: string;
  userAgent: string;
}

export interface AuditInput {
  orgId: number;
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
  const p = input.actor.principal;
  const policySequence = input.policySequence ?? knownPolicySequence(input.orgId);
  return {
    ...keys.audit(input.orgId, at, id),
    eventId: id,
    orgId: input.orgId,
    at,
    action: input.action,
    ...(p && { actorId: p.userId, actorOrgId: p.orgId, actorRole: p.role }),
    ...(p?.actorId !== undefined && { act: { sub: String(p.actorId) } }),
    ...(input.targetUserId !== undefined && { targetUserId: input.targetUserId }),
    ...(input.details && { details: input.details }),
    ...(policySequence !== undefined && { policySequence }),
    sourceIp: input.actor.sourceIp,
    userAgent: input.actor.userAgent.slice(0, 512),
  };
}

/** A standalone event (where the change itself is not a table write of ours). */
export async function recordAudit(input: AuditInput): Promise<void> {
  await db().send(new PutCommand({ TableName: tableName(), Item: auditItem(input) }));
}
