/**
 * The org's two-factor policy: one item per org that every dialect reads and writes. An org that
 * never changed it has the default policy (sequence 0).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { now } from '../clock';
import { Conflict, ErrorCode } from '../errors';
import { db, tableName } from '../store/client';
import { keys } from '../store/keys';

export const METHODS = ['totp', 'sms', 'webauthn', 'email'] as const;
export type Method = (typeof METHODS)[number];

export interface Policy {
  orgId: number;
  /** Methods users of the org may use as a second factor (recovery codes always work). */
  methods: Method[];
  forced: boolean;
  /** When 2FA was last forced: the enrolment grace period runs from here. */
  forcedAt?: string;
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
}

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
  };
}

/** How long a warm process trusts its copy of an org's policy: a change reaches every login within it. */
export const POLICY_CACHE_MS = 5_000;
const cache = new Map<number, { at: number; policy: Policy }>();

export function toPolicy(item: Record<string, unknown> | undefined, orgId: number): Policy {
  if (!item) return defaultPolicy(orgId);
  const { pk: _pk, sk: _sk, ...rest } = item;
  return { ...defaultPolicy(orgId), ...rest } as Policy;
}

/** The policy, cached per warm process for a few seconds so one read serves many logins. */
export async function getPolicy(orgId: number, options: { fresh?: boolean } = {}): Promise<Policy> {
  const t = now().getTime();
  const hit = cache.get(orgId);
  if (!options.fresh && hit && t - hit.at < POLICY_CACHE_MS) return hit.policy;
  const result = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.policy(orgId), ConsistentRead: options.fresh }),
  );
  const policy = toPolicy(result.Item, orgId);
  cache.set(orgId, { at: t, policy });
  return policy;
}

/** The sequence of the org's policy as this process last read it (audit events record it). */
export function knownPolicySequence(orgId: number): number | undefined {
  return cache.get(orgId)?.policy.sequence;
}

export function forgetCachedPolicy(orgId?: number): void {
  if (orgId === undefined) cache.clear();
  else cache.delete(orgId);
}

export function assertMethodAllowed(policy: Policy, method: Method): void {
  if (!policy.methods.includes(method)) {
    throw new Conflict(`Your organisation does not allow ${method} as a second factor`, ErrorCode.methodNotAllowedByPolicy);
  }
}
