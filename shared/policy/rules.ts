/**
 * What each policy change does to a policy: pure rules, no I/O (policy/changes.ts reads and writes).
 * A change answers the next policy with the audit action and details that record it, "unchanged"
 * (the Ziik routes are idempotent), or throws the refusal (Zitadel's "already exists"/"not found",
 * or an invariant: forcing 2FA needs at least one allowed method).
 */
import type { AuditAction } from '../audit/events';
import { Conflict, ErrorCode, NotFound } from '../errors';
import type { Method, Policy } from './policy';
import { requiresAnyone } from './role-rules';

type AuditDetails = Record<string, string | number | boolean>;

export type ChangeOutcome =
  | {
      next: Policy;
      action: AuditAction;
      details: AuditDetails;
      /**
       * Further events of the same change, written with it: one per role whose rule changed; the
       * revocation of the devices older than a lowered allowance.
       */
      also?: Array<{ action: AuditAction; details: AuditDetails }>;
    }
  | 'unchanged';

/** A change, applied at `at` (the time it is made). */
export type Change = (policy: Policy, at: Date) => ChangeOutcome;

/**
 * The policy a change leaves, ready to store: its own sequence (one more than the policy it read),
 * the change date, and the creation date where this is the org's first change (`exists` false).
 */
export function applyChange(policy: Policy, change: Change, at: Date, exists: boolean): ChangeOutcome {
  const outcome = change(policy, at);
  if (outcome === 'unchanged') return outcome;
  const time = at.toISOString();
  const next: Policy = { ...outcome.next, sequence: policy.sequence + 1, createdAt: exists ? policy.createdAt : time, changedAt: time };
  return { ...outcome, next };
}

/** Several changes as one (one request setting several things): one write, every change's events. */
export const allOf =
  (...changes: Change[]): Change =>
  (policy, at) => {
    let next = policy;
    const events: { action: AuditAction; details: AuditDetails }[] = [];
    for (const change of changes) {
      const outcome = change(next, at);
      if (outcome === 'unchanged') continue;
      next = outcome.next;
      events.push({ action: outcome.action, details: outcome.details }, ...(outcome.also ?? []));
    }
    const [first, ...more] = events;
    if (!first) return 'unchanged';
    return { next, ...first, ...(more.length > 0 && { also: more }) };
  };

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
    if (requiresAnyone(policy) && methods.length === 0) {
      throw new Conflict(
        '2FA is required: the policy must keep at least one method. Unforce it and remove the role rules first.',
        ErrorCode.policyRequiresMethod,
      );
    }
    return { next: { ...policy, methods }, action: 'policy.method_disabled', details: { method } };
  };

export const setForced =
  (forced: boolean): Change =>
  (policy, at) => {
    if (policy.forced === forced) return 'unchanged';
    if (forced && policy.methods.length === 0) {
      throw new Conflict('Forcing 2FA needs at least one allowed method: enable one first', ErrorCode.policyRequiresMethod);
    }
    return {
      next: { ...policy, forced, ...(forced && { forcedAt: at.toISOString() }) },
      action: forced ? 'policy.forced' : 'policy.unforced',
      details: { forced },
    };
  };

export interface PolicySettings {
  gracePeriodSeconds?: number;
  checkLifetimeSeconds?: number;
  /** null: every country calling code the deployment allows. */
  smsCountryCodes?: string[] | null;
  notifications?: boolean;
  passwordless?: boolean;
  rememberDeviceDays?: number;
}

const DAY_MS = 24 * 3600 * 1000;

export const setSettings =
  (settings: PolicySettings): Change =>
  (policy, at) => {
    const { smsCountryCodes, ...timings } = settings;
    const next: Policy = { ...policy, ...timings };
    const shorter = next.rememberDeviceDays < policy.rememberDeviceDays;
    if (shorter) {
      const notBefore = new Date(at.getTime() - next.rememberDeviceDays * DAY_MS).toISOString();
      if (!policy.rememberedDevicesNotBefore || notBefore > policy.rememberedDevicesNotBefore) next.rememberedDevicesNotBefore = notBefore;
    }
    if (smsCountryCodes === null) delete next.smsCountryCodes;
    else if (smsCountryCodes) next.smsCountryCodes = [...new Set(smsCountryCodes)].sort();
    const same =
      next.gracePeriodSeconds === policy.gracePeriodSeconds &&
      next.checkLifetimeSeconds === policy.checkLifetimeSeconds &&
      next.notifications === policy.notifications &&
      next.passwordless === policy.passwordless &&
      next.rememberDeviceDays === policy.rememberDeviceDays &&
      String(next.smsCountryCodes) === String(policy.smsCountryCodes);
    if (same) return 'unchanged';
    return {
      next,
      action: 'policy.settings_changed',
      details: {
        gracePeriodSeconds: next.gracePeriodSeconds,
        checkLifetimeSeconds: next.checkLifetimeSeconds,
        smsCountryCodes: next.smsCountryCodes?.join(',') ?? 'all',
        notifications: next.notifications,
        passwordless: next.passwordless,
        rememberDeviceDays: next.rememberDeviceDays,
      },
      // Devices older than a shorter allowance stop working at once, for good: every login checks a
      // device's age against the current allowance and rememberedDevicesNotBefore.
      ...(shorter && {
        also: [
          {
            action: 'devices.revoked' as const,
            details: { reason: 'policy', rememberDeviceDays: next.rememberDeviceDays, previousDays: policy.rememberDeviceDays },
          },
        ],
      }),
    };
  };
