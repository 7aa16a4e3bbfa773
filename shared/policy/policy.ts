/**
 * The org's two-factor policy: one item per org that every dialect reads and writes. An org that
 * never changed it has the default policy (sequence 0).
 */
import { now } from '../clock';
import { Conflict, ErrorCode } from '../errors';
import type { OrgScope } from '../model/org-scope';
import type { Role } from '../model/user';
import { readPolicyItem } from './store';

export const METHODS = ['totp', 'sms', 'webauthn', 'email'] as const;
export type Method = (typeof METHODS)[number];

export interface Policy {
  orgId: number;
  /** Methods users of the org may use as a second factor (recovery codes always work). */
  methods: Method[];
  /** 2FA required of every role (POST /api/settings/twofactor/force), with `gracePeriodSeconds` from `forcedAt`. */
  forced: boolean;
  /** When 2FA was last forced: the enrolment grace period runs from here. */
  forcedAt?: string;
  /** 2FA required of one role, each with its own deadline (policy/role-rules.ts); only required roles are kept. */
  roleRules?: RoleRules;
  /** Incremented by every change, whichever dialect made it. */
  sequence: number;
  createdAt: string;
  changedAt: string;
  /** How long a user without a factor may still sign in after 2FA is forced. */
  gracePeriodSeconds: number;
  /** How long an aal 2 session counts as recent for sensitive changes. */
  checkLifetimeSeconds: number;
  /** Country calling codes SMS may go to; absent: all the deployment allows. */
  smsCountryCodes?: string[];
  /** Security notification emails to the org's users (a factor added, a password changed, ...). */
  notifications: boolean;
  /** Passkey sign-in (passwordless) allowed; it also needs `webauthn` among the methods. */
  passwordless: boolean;
  /** Days a device may be remembered after a second factor (0: never; at most 90). */
  rememberDeviceDays: number;
  /**
   * Devices remembered before this (ISO) never work again: each shorter allowance moves it to the
   * oldest device the new allowance still lets in, so raising the allowance later revives nothing.
   */
  rememberedDevicesNotBefore?: string;
}

/**
 * A role's requirement: enrol by `deadline` (a fixed instant), or within `graceDays` of `setAt`
 * (exactly one of the two is stored). `setAt` changes only when the rule does.
 */
export interface RoleRule {
  required: boolean;
  deadline?: string;
  graceDays?: number;
  setAt: string;
}
export type RoleRules = Partial<Record<Role, RoleRule>>;

export const DEFAULT_METHODS: Method[] = ['totp', 'webauthn'];

export function defaultPolicy(orgId: number): Policy {
  const at = new Date(0).toISOString();
  return {
    orgId,
    methods: [...DEFAULT_METHODS],
    forced: false,
    sequence: 0,
    createdAt: at,
    changedAt: at,
    gracePeriodSeconds: 0,
    checkLifetimeSeconds: 15 * 60,
    notifications: true,
    passwordless: false,
    rememberDeviceDays: 0,
  };
}

/** How long a warm process trusts its copy of an org's policy: a change reaches every login within it. */
export const POLICY_CACHE_MS = 5_000;
const cache = new Map<number, { at: number; policy: Policy }>();

export function toPolicy(stored: Partial<Policy> | undefined, orgId: number): Policy {
  return stored ? { ...defaultPolicy(orgId), ...stored } : defaultPolicy(orgId);
}

async function readPolicy(orgId: number, consistent: boolean): Promise<Policy> {
  const policy = toPolicy(await readPolicyItem(orgId, { consistent }), orgId);
  cache.set(orgId, { at: now().getTime(), policy });
  return policy;
}

/** The policy of the caller's own org (logins, enrolment), cached per warm process for a few seconds so one read serves many logins. */
export async function getPolicy(orgId: number): Promise<Policy> {
  const hit = cache.get(orgId);
  if (hit && now().getTime() - hit.at < POLICY_CACHE_MS) return hit.policy;
  return readPolicy(orgId, false);
}

/** The policy as it is now (a consistent read), for an admin of the org. */
export const currentPolicy = (scope: OrgScope): Promise<Policy> => readPolicy(scope, true);

export function forgetCachedPolicy(orgId?: number): void {
  if (orgId === undefined) cache.clear();
  else cache.delete(orgId);
}

/** Whether users of the org may sign in with a passkey alone: the switch, and security keys allowed at all. */
export const allowsPasswordless = (policy: Policy): boolean => policy.passwordless && policy.methods.includes('webauthn');

export function assertMethodAllowed(policy: Policy, method: Method): void {
  if (!policy.methods.includes(method)) {
    throw new Conflict(`Your organisation does not allow ${method} as a second factor`, ErrorCode.methodNotAllowedByPolicy);
  }
}
