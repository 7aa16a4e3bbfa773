/**
 * Changing an org's policy. Every change reads the item, applies one pure change, and writes the
 * whole item back conditioned on the sequence it read, with the audit event in the same
 * transaction: two admins changing the policy at once never lose an update, and every change gets
 * its own sequence number. A lost race is retried on a fresh read.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { auditItem, type Actor, type AuditAction } from '../audit/events';
import { now } from '../clock';
import { Conflict, ErrorCode, NotFound } from '../errors';
import { transactWrite } from '../store/transact';
import { db, tableName } from '../store/client';
import { LostRace } from '../store/conditions';
import { keys } from '../store/keys';
import { forgetCachedPolicy, toPolicy, type Method, type Policy } from './policy';

/** The outcome of applying a change: a new policy, or "nothing to do". */
type Change = (policy: Policy) => { next: Policy; action: AuditAction; details: Record<string, string | number | boolean> } | 'unchanged';

const MAX_ATTEMPTS = 40;

async function readPolicy(orgId: number): Promise<{ policy: Policy; exists: boolean }> {
  const result = await db().send(new GetCommand({ TableName: tableName(), Key: keys.policy(orgId), ConsistentRead: true }));
  return { policy: toPolicy(result.Item, orgId), exists: !!result.Item };
}

export async function changePolicy(orgId: number, actor: Actor, change: Change): Promise<Policy> {
  for (let attempt = 1; ; attempt++) {
    const { policy, exists } = await readPolicy(orgId);
    const outcome = change(policy);
    if (outcome === 'unchanged') return policy;
    const at = now().toISOString();
    const next: Policy = {
      ...outcome.next,
      sequence: policy.sequence + 1,
      createdAt: exists ? policy.createdAt : at,
      changedAt: at,
    };
    try {
      await transactWrite([
        {
          Put: {
            TableName: tableName(),
            Item: { ...keys.policy(orgId), ...next },
            // Optimistic concurrency: the write holds only if nobody changed the policy since the read.
            ConditionExpression: exists ? '#sequence = :read' : 'attribute_not_exists(pk)',
            ...(exists && {
              ExpressionAttributeNames: { '#sequence': 'sequence' },
              ExpressionAttributeValues: { ':read': policy.sequence },
            }),
          },
        },
        {
          Put: {
            TableName: tableName(),
            Item: auditItem({ orgId, action: outcome.action, actor, details: outcome.details, policySequence: next.sequence }),
          },
        },
      ]);
      forgetCachedPolicy(orgId);
      return next;
    } catch (error) {
      if (!(error instanceof LostRace) || attempt >= MAX_ATTEMPTS) throw error;
      await new Promise((r) => setTimeout(r, Math.random() * 10 * Math.min(attempt, 5)));
    }
  }
}

export interface ChangeOptions {
  /** Zitadel answers "already exists"/"not found"; the Ziik routes are idempotent. */
  strict: boolean;
}

export const allowMethod =
  (method: Method, { strict }: ChangeOptions): Change =>
  (policy) => {
    if (policy.methods.includes(method)) {
      if (strict) throw new Conflict(`The second factor ${method} is already allowed`, ErrorCode.alreadyExists);
      return 'unchanged';
    }
    return { next: { ...policy, methods: [...policy.methods, method] }, action: 'policy.method_enabled', details: { method } };
  };

export const disallowMethod =
  (method: Method, { strict }: ChangeOptions): Change =>
  (policy) => {
    if (!policy.methods.includes(method)) {
      if (strict) throw new NotFound(`The second factor ${method} is not in the policy`);
      return 'unchanged';
    }
    const methods = policy.methods.filter((m) => m !== method);
    if (policy.forced && methods.length === 0) {
      throw new Conflict('2FA is forced: the policy must keep at least one method. Unforce it first.', ErrorCode.policyRequiresMethod);
    }
    return { next: { ...policy, methods }, action: 'policy.method_disabled', details: { method } };
  };

export const setForced =
  (forced: boolean): Change =>
  (policy) => {
    if (policy.forced === forced) return 'unchanged';
    if (forced && policy.methods.length === 0) {
      throw new Conflict('Forcing 2FA needs at least one allowed method: enable one first', ErrorCode.policyRequiresMethod);
    }
    return {
      next: { ...policy, forced, ...(forced && { forcedAt: now().toISOString() }) },
      action: forced ? 'policy.forced' : 'policy.unforced',
      details: { forced },
    };
  };

export interface PolicySettings {
  gracePeriodSeconds?: number;
  checkLifetimeSeconds?: number;
  /** null: every country calling code the deployment allows. */
  smsCountryCodes?: string[] | null;
}

export const setSettings =
  (settings: PolicySettings): Change =>
  (policy) => {
    const { smsCountryCodes, ...timings } = settings;
    const next: Policy = { ...policy, ...timings };
    if (smsCountryCodes === null) delete next.smsCountryCodes;
    else if (smsCountryCodes) next.smsCountryCodes = [...new Set(smsCountryCodes)].sort();
    const same =
      next.gracePeriodSeconds === policy.gracePeriodSeconds &&
      next.checkLifetimeSeconds === policy.checkLifetimeSeconds &&
      String(next.smsCountryCodes) === String(policy.smsCountryCodes);
    if (same) return 'unchanged';
    return {
      next,
      action: 'policy.settings_changed',
      details: {
        gracePeriodSeconds: next.gracePeriodSeconds,
        checkLifetimeSeconds: next.checkLifetimeSeconds,
        smsCountryCodes: next.smsCountryCodes?.join(',') ?? 'all',
      },
    };
  };
