/**
 * Where second factors are dispatched, once for all of them: lockout first, then the strategies the
 * org's policy allows (recovery codes always), then the single-use race gate, a conditional
 * transaction that consumes the proof, resets the failure count and writes whatever rides along
 * (the session, the audit event). Every failure counts against the user and looks the same.
 */

import { auditItem, type Actor, type AuditAction } from '../audit/events';
import { now } from '../clock';
import { ErrorCode, Forbidden } from '../errors';
import { getPolicy, type Method, type Policy } from '../policy/policy';
import { transactWrite, type TransactOptions } from '../store/transact';
import { tableName } from '../store/client';
import { epochSeconds, LostRace } from '../store/conditions';
import type { Principal } from '../tokens/principal';
import { prepareSession, type Tokens } from '../tokens/sessions';
import { loadAccount, type Account, type FactorKind } from './account';
import { assertNotLocked, recordFailure, successUpdate } from './mfa-state';
import type { Match, Proof, SecondFactor, TransactItem } from './second-factor';
import { FEW_RECOVERY_CODES, recoveryHashes } from './recovery';
import { strategies } from './strategies';

export interface ProveOptions {
  /** Methods the policy allows; recovery codes are always allowed. */
  allowed: readonly Method[];
  /** Enrolment: the factor being verified is not verified yet. */
  includeUnverified?: boolean;
  /** Only these kinds (e.g. enrolment verifies the factor being enrolled). */
  only?: FactorKind[];
}

function usable(strategy: SecondFactor, proof: Proof, options: ProveOptions): boolean {
  if (options.only && !options.only.includes(strategy.kind)) return false;
  const allowed = strategy.kind === 'recovery' || options.allowed.includes(strategy.kind);
  return allowed && strategy.accepts(proof);
}

/** Checks a proof against the account; throws (after counting the failure) when nothing matches. */
export async function prove(account: Account, proof: Proof, actor: Actor, options: ProveOptions): Promise<Match> {
  const at = now();
  assertNotLocked(account.mfa, at);
  for (const strategy of strategies) {
    if (!usable(strategy, proof, options)) continue;
    const match = await strategy.check(account, proof, at, { includeUnverified: options.includeUnverified });
    if (match) return match;
  }
  throw await recordFailure(account, at, actor);
}

/**
 * Commits a match: the state update (the race gate), the strategy's own writes and `alongside`, in
 * one transaction. A lost race (a replayed code, a failure counted meanwhile) is a failure.
 */
export async function commit(
  account: Account,
  match: Match,
  actor: Actor,
  alongside: TransactItem[] = [],
  options: TransactOptions = {},
): Promise<void> {
  const at = now();
  const update = successUpdate(account, at, match.mfaSet);
  if (match.mfaCondition) update.ConditionExpression += ` AND ${match.mfaCondition}`;
  const used = match.kind === 'recovery' ? [auditPut(account, 'recovery.used', actor, match.details)] : [];
  try {
    await transactWrite([{ Update: update }, ...(match.writes ?? []), ...used, ...alongside], options);
  } catch (error) {
    if (!(error instanceof LostRace)) throw error;
    throw await recordFailure(account, at, actor);
  }
}

export const auditPut = (
  account: Account,
  action: AuditAction,
  actor: Actor,
  details?: Record<string, string | number | boolean>,
): TransactItem => ({
  Put: {
    TableName: tableName(),
    Item: auditItem({ orgId: account.user.orgId, action, actor, targetUserId: account.user.userId, details }),
  },
});

export async function accountAndPolicy(principal: Principal): Promise<{ account: Account; policy: Policy }> {
  const [account, policy] = await Promise.all([accountOf(principal.userId), getPolicy(principal.orgId)]);
  return { account, policy };
}

export async function accountOf(userId: number): Promise<Account> {
  const account = await loadAccount(userId);
  // A token outliving its user (deleted) is not a valid credential any more.
  if (!account) throw new Forbidden('This account no longer exists');
  return account;
}

export interface LoginOutcome {
  tokens: Tokens;
  /** Set when the user is running out of recovery codes (or just used one). */
  recoveryCodesRemaining?: number;
}

/** Finishes a login (or steps up a session) with a second factor: aal 2 tokens. */
export async function finishLogin(
  principal: Principal,
  proof: Proof,
  actor: Actor,
  // Callers that read them already pass them in: one Query per request.
  loaded?: { account: Account; policy: Policy },
): Promise<LoginOutcome> {
  if (principal.actorId !== undefined) throw new Forbidden('An impersonation token cannot sign in as its target');
  const { account, policy } = loaded ?? (await accountAndPolicy(principal));
  const match = await prove(account, proof, actor, { allowed: policy.methods });
  const tokens = await commitLogin(account, match, actor);
  const held = recoveryHashes(account).size;
  const left = match.kind === 'recovery' ? held - 1 : held;
  const tell = match.kind === 'recovery' || (held > 0 && left <= FEW_RECOVERY_CODES);
  return { tokens, ...(tell && { recoveryCodesRemaining: left }) };
}

/**
 * Commits a matched proof together with a new aal 2 session and the login's audit event. The same
 * transaction spends the pending login token (store/transact.ts's guard): of two logins with one
 * pending token, even with two valid proofs, one wins.
 */
export async function commitLogin(account: Account, match: Match, actor: Actor): Promise<Tokens> {
  const { user } = account;
  const session = await prepareSession({ userId: user.userId, orgId: user.orgId, role: user.role }, { aal: 2, amr: ['pwd', match.amr] });
  await commit(account, match, actor, [
    session.write,
    auditPut(account, 'login.two_factor', actor, { method: match.kind, ...match.details }),
  ], { consumesCredential: true });
  return session.tokens();
}

/**
 * Sensitive changes (disable 2FA, change a verified factor, recovery codes) need an aal 2 session
 * whose second factor is recent under the org's policy, or a valid code sent with the request.
 */
export async function assertRecentSecondFactor(
  principal: Principal,
  account: Account,
  policy: Policy,
  actor: Actor,
  code?: string,
): Promise<void> {
  if (principal.actorId !== undefined) throw new Forbidden('An impersonation token cannot make this change');
  const recent = principal.aal === 2 && epochSeconds(now()) - principal.authTime <= policy.checkLifetimeSeconds;
  if (recent) return;
  if (code === undefined) {
    throw new Forbidden(
      'This change needs a recent second factor: send a current code as `code`, or sign in with your second factor again',
      ErrorCode.recentAuthRequired,
    );
  }
  const match = await prove(account, { code }, actor, { allowed: policy.methods });
  await commit(account, match, actor);
}
