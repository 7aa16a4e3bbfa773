/**
 * Changing an org's policy. Every change reads the item, applies one pure change (policy/rules.ts),
 * and writes the whole item back conditioned on the sequence it read, with the audit event in the
 * same transaction: two admins changing the policy at once never lose an update, and every change
 * gets its own sequence number. A lost race is retried on a fresh read.
 */
import { auditPut, type Actor } from '../audit/events';
import { now } from '../clock';
import type { OrgScope } from '../model/org-scope';
import { LostRace } from '../store/conditions';
import { transactWrite } from '../store/transact';
import { forgetCachedPolicy, toPolicy, type Policy } from './policy';
import { applyChange, type Change } from './rules';
import { readPolicyItem, replacePolicyItem } from './store';

const MAX_ATTEMPTS = 40;

export async function changePolicy(scope: OrgScope, actor: Actor, change: Change): Promise<Policy> {
  for (let attempt = 1; ; attempt++) {
    const stored = await readPolicyItem(scope, { consistent: true });
    const policy = toPolicy(stored, scope);
    const outcome = applyChange(policy, change, now(), stored !== undefined);
    if (outcome === 'unchanged') return policy;
    const { next, action, details, also = [] } = outcome;
    try {
      await transactWrite([
        replacePolicyItem(next, stored ? policy.sequence : undefined),
        ...[{ action, details }, ...also].map((e) => auditPut({ orgId: scope, ...e, actor, policySequence: next.sequence })),
      ]);
      forgetCachedPolicy(scope);
      return next;
    } catch (error) {
      if (!(error instanceof LostRace) || attempt >= MAX_ATTEMPTS) throw error;
      await new Promise((r) => setTimeout(r, Math.random() * 10 * Math.min(attempt, 5)));
    }
  }
}
