/**
 * Support impersonation (seed 002): a support user proves its own second factor (same replay and
 * lockout rules as a login) and gets a short-lived token for the target with itself as RFC 8693
 * actor; no refresh token, and sensitive routes refuse it. Ending it revokes the session at once
 * and gives the support user fresh tokens of its own. Both steps are audited in both orgs.
 */
import { auditPut, type Actor } from '../audit/events';
import { BadRequest, ErrorCode, Forbidden, NotFound } from '../errors';
import { allowedMethods, usableMethods } from '../factors/account';
import { accountAndPolicy, accountOf, commit, prove } from '../factors/authenticate';
import * as metrics from '../metrics';
import { getPolicy, type Policy } from '../policy/policy';
import { now } from '../clock';
import { LostRace } from '../store/conditions';
import { transactWrite, type TransactItem } from '../store/transact';
import { isActive } from '../model/user';
import type { Principal } from '../tokens/principal';
import * as sessionStore from '../tokens/session-store';
import { prepareImpersonation, prepareSession, type Tokens } from '../tokens/sessions';

export async function impersonate(principal: Principal, target: { userId: number; teamId: number }, code: string, actor: Actor) {
  if (principal.actorId !== undefined) throw new Forbidden('An impersonation token cannot start another impersonation');
  const { account: support, policy } = await accountAndPolicy(principal);
  if (support.user.role !== 'support') throw new Forbidden('Only platform support staff may impersonate');
  const allowed = allowedMethods(support, policy);
  if (usableMethods(support, allowed).length === 0) {
    throw new Forbidden('Impersonation needs your own verified second factor: set one up first', ErrorCode.twoFactorRequired);
  }
  const match = await prove(support, { code }, actor, { allowed, policySequence: policy.sequence });

  const victim = await accountOf(target.userId).catch(() => undefined);
  // One answer for "no such user" and "not in that team": the caller learns neither.
  if (!victim || victim.user.orgId !== target.teamId) throw new NotFound('No such user in that team');
  if (victim.user.role === 'support' || victim.user.userId === principal.userId) {
    throw new Forbidden('Support staff cannot be impersonated');
  }
  if (!isActive(victim.user)) throw new Forbidden('This user is not active: there is no account to act as', ErrorCode.accountDeactivated);
  const { user } = victim;
  const victimPolicy = await getPolicy(user.orgId); // its sequence goes into the audit event
  const started = await prepareImpersonation({ userId: user.userId, orgId: user.orgId, role: user.role }, { userId: principal.userId, amr: ['pwd', match.amr] });
  const details = { supportUserId: principal.userId, targetUserId: user.userId, sid: started.session.sid };
  await commit(support, match, actor, [
    started.write,
    ...auditBoth([victimPolicy, policy], 'impersonation.started', actor, user.userId, details),
  ], { policySequence: policy.sequence });
  metrics.impersonationStarted(user.orgId);
  return { tokens: await started.tokens(), isTwoFactorEnable: victim.factors.some((f) => f.verified) };
}

/** One event in each org (support's and the target's), with that org's policy sequence. */
function auditBoth(policies: Policy[], action: 'impersonation.started' | 'impersonation.ended', actor: Actor, targetUserId: number, details: Record<string, string | number>): TransactItem[] {
  const sequences = new Map(policies.map((p) => [p.orgId, p.sequence]));
  return [...sequences].map(([orgId, policySequence]) => auditPut({ orgId, action, actor, targetUserId, details, policySequence }));
}

/** Ends the impersonation behind this token (audited in the same transaction); answers the support user's own tokens. */
export async function endImpersonationFor(principal: Principal, actor: Actor): Promise<Tokens> {
  if (principal.actorId === undefined || !principal.sid) {
    throw new BadRequest(ErrorCode.invalidRequest, 'This token is not an impersonation token');
  }
  const alreadyEnded = () => new BadRequest(ErrorCode.invalidRequest, 'This impersonation has ended already');
  const impersonation = await sessionStore.get(principal.userId, principal.sid);
  if (!impersonation || impersonation.revokedAt) throw alreadyEnded();
  const support = await accountOf(principal.actorId);
  const policies = await Promise.all([...new Set([principal.orgId, support.user.orgId])].map((orgId) => getPolicy(orgId))); // their sequences go into the audit events
  const session = await prepareSession(
    { userId: support.user.userId, orgId: support.user.orgId, role: support.user.role },
    { aal: 2, amr: impersonation.actorAmr ?? ['pwd'], authTime: impersonation.authTime },
  );
  const details = { supportUserId: support.user.userId, sid: principal.sid };
  try {
    await transactWrite(
      [
        sessionStore.endImpersonation(principal.userId, principal.sid, now()),
        session.write,
        ...auditBoth(policies, 'impersonation.ended', actor, principal.userId, details),
      ],
      { provesCredential: true },
    );
  } catch (error) {
    if (error instanceof LostRace && error.lost(0)) throw alreadyEnded();
    throw error;
  }
  return session.tokens();
}
