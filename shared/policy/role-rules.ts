/**
 * 2FA required by role, with deadlines: pure rules, no I/O. Two kinds of requirement can apply to a
 * user, and the earlier deadline wins:
 * - forced (POST /api/settings/twofactor/force): every role, enrol within the org's
 *   `gracePeriodSeconds` of `forcedAt`;
 * - the rule of the user's role (PATCH /api/settings/twofactor `roleRules`): enrol by its
 *   `deadline`, or within its `graceDays` of `setAt`.
 * A user created after the rule was set is never due before their own creation plus the same grace
 * (a date rule: plus the org's `gracePeriodSeconds`), so a newcomer gets the grace the others got.
 * The rule read is the one of the user's role now: a user promoted to admin after the admins'
 * deadline must enrol at their next sign-in (admin powers without a second factor are what the rule
 * forbids); one moved to a role without a rule is no longer required to enrol.
 */
import { Conflict, ErrorCode, validationError } from '../errors';
import type { Role, User } from '../model/user';
import type { Policy, RoleRule, RoleRules } from './policy';
import type { Change } from './rules';

export const ROLES = ['member', 'admin', 'support'] as const satisfies readonly Role[];

const DAY_MS = 86_400_000;

/** How far ahead a deadline may be set, in days: a rollout, not a wish (a date typo such as 2207 is refused). */
export const MAX_DEADLINE_DAYS = 365;

/** The instant a rule's users must have enrolled by (before any newcomer's grace). */
export const ruleDeadline = (rule: RoleRule): Date =>
  new Date(rule.deadline !== undefined ? Date.parse(rule.deadline) : Date.parse(rule.setAt) + (rule.graceDays ?? 0) * DAY_MS);

/** Whether the policy requires a second factor of users of this role (now or at a deadline). */
export const requiresTwoFactor = (policy: Pick<Policy, 'forced' | 'roleRules'>, role: Role): boolean => policy.forced || policy.roleRules?.[role]?.required === true;

/** Whether the policy requires a second factor of anyone: then it must keep at least one method. */
export const requiresAnyone = (policy: Policy): boolean => ROLES.some((role) => requiresTwoFactor(policy, role));

/**
 * When this user must have a second factor by: at and after it, signing in means enrolling first.
 * Undefined: the policy does not require one of them.
 */
export function enrolmentDeadline(policy: Policy, user: Pick<User, 'role' | 'createdAt'>): Date | undefined {
  const created = Date.parse(user.createdAt);
  const orgGrace = policy.gracePeriodSeconds * 1000;
  const deadlines: number[] = [];
  if (policy.forced) {
    const from = Date.parse(policy.forcedAt ?? policy.changedAt);
    deadlines.push(Math.max(from, created) + orgGrace);
  }
  const rule = policy.roleRules?.[user.role];
  if (rule?.required) {
    deadlines.push(
      rule.deadline !== undefined
        ? Math.max(Date.parse(rule.deadline), created + orgGrace)
        : Math.max(Date.parse(rule.setAt), created) + (rule.graceDays ?? 0) * DAY_MS,
    );
  }
  return deadlines.length > 0 ? new Date(Math.min(...deadlines)) : undefined;
}

/** A role's rule as an admin asks for it: required with a deadline or grace days (neither: now), or not required. */
export interface RoleRuleRequest {
  required: boolean;
  deadline?: string;
  graceDays?: number;
}

/** A deadline in the past would be "now" in disguise, and one years away a typo: both refused (400), nothing written. */
function assertDeadlineWithinReach(role: Role, deadline: string, at: Date): void {
  const t = Date.parse(deadline);
  const problem = !(t > at.getTime())
    ? 'must be in the future (to require 2FA now, leave the deadline out)'
    : t > at.getTime() + MAX_DEADLINE_DAYS * DAY_MS
      ? `must be at most ${MAX_DEADLINE_DAYS} days ahead`
      : undefined;
  // The path is the PATCH body's, where the request named it.
  if (problem) throw validationError([{ path: `body.roleRules.${role}.deadline`, message: problem }]);
}

const sameRule = (stored: RoleRule, wanted: RoleRule) => stored.deadline === wanted.deadline && stored.graceDays === wanted.graceDays;

/** The audit details of one role's change: the deadline as an instant, whichever way it was given. */
function changeDetails(role: Role, rule: RoleRule | undefined): Record<string, string | number | boolean> {
  if (!rule) return { role, required: false };
  return { role, required: true, deadline: ruleDeadline(rule).toISOString(), ...(rule.graceDays !== undefined && { graceDays: rule.graceDays }) };
}

/**
 * Sets the rules of the roles named (others keep theirs), each audited as `policy.role_rules_changed`.
 * A rule sent again unchanged keeps its `setAt`, so repeating a request never restarts a grace period;
 * `required: false` removes the role's rule.
 */
export const setRoleRules =
  (requests: Partial<Record<Role, RoleRuleRequest>>): Change =>
  (policy, at) => {
    const rules: RoleRules = { ...policy.roleRules };
    const changed: Role[] = [];
    for (const role of ROLES) {
      const request = requests[role];
      if (!request) continue;
      const stored = rules[role];
      if (!request.required) {
        if (!stored) continue;
        delete rules[role];
      } else {
        const wanted: RoleRule = {
          required: true,
          ...(request.deadline !== undefined ? { deadline: new Date(request.deadline).toISOString() } : { graceDays: request.graceDays ?? 0 }),
          setAt: at.toISOString(),
        };
        // The same rule again (even once its deadline passed) changes nothing: a retried request is harmless.
        if (stored && sameRule(stored, wanted)) continue;
        if (wanted.deadline !== undefined) assertDeadlineWithinReach(role, wanted.deadline, at);
        rules[role] = wanted;
      }
      changed.push(role);
    }
    if (changed.length === 0) return 'unchanged';
    const next: Policy = { ...policy, roleRules: rules };
    if (requiresAnyone(next) && next.methods.length === 0) {
      throw new Conflict('Requiring 2FA needs at least one allowed method: enable one first', ErrorCode.policyRequiresMethod);
    }
    const [first, ...more] = changed.map((role) => ({ action: 'policy.role_rules_changed' as const, details: changeDetails(role, rules[role]) }));
    return { next, ...first!, ...(more.length > 0 && { also: more }) };
  };
