/**
 * Where second factors are dispatched, once for all of them: lockout first, then the strategies the
 * org's policy allows (recovery codes always), then the single-use race gate, a conditional
 * transaction that consumes the proof, resets the failure count and writes whatever rides along
 * (the session, the audit event). Every failure counts against the user and looks the same.
 */

import { auditPut, type Actor, type AuditAction } from '../audit/events';
import { now } from '../clock';
import { ErrorCode, Forbidden, Unauthenticated, Unavailable } from '../errors';
import * as metrics from '../metrics';
import { isActive } from '../model/user';
import { getPolicy, type Method, type Policy } from '../policy/policy';
import { transactWrite, type TransactOptions } from '../store/transact';
import { epochSeconds, LostRace } from '../store/conditions';
import type { Principal } from '../tokens/principal';
import {
  devicesStateSortKey,
  prepareDevice,
  revokeDevices,
  type DevicesState,
  type RememberedDevice,
  type RevocationReason,
} from '../tokens/devices';
import { prepareSession, type Tokens } from '../tokens/sessions';
import { allowedMethods, loadAccount, type Account, type FactorKind } from './account';
import { assertNotLocked, invalidCode, lockedFor, lockedOut, nextFailure, type MfaState } from './lockout';
import * as mfaStore from './mfa-store';
import { FEW_RECOVERY_CODES, recoveryHashes } from './recovery/codes';
import { strategies } from './registry';
import type { Match, Proof, SecondFactor, TransactItem } from './second-factor';

export interface ProveOptions {
  /** Methods the policy allows; recovery codes are always allowed. */
  allowed: readonly Method[];
  /** Enrolment: the factor being verified is not verified yet. */
  includeUnverified?: boolean;
  /** Only these kinds (e.g. enrolment verifies the factor being enrolled). */
  only?: FactorKind[];
  /** The policy's sequence, for the audit event of a lockout. */
  policySequence?: number;
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
  throw await recordFailure(account, at, actor, options.policySequence);
}

export interface CommitOptions extends TransactOptions {
  /** The policy's sequence, for the audit events the commit writes. */
  policySequence?: number;
  /** Items of `alongside` whose failed condition is a race with another request, not the proof's fault: a 503 to retry. */
  retryable?: TransactItem[];
}

/**
 * Commits a match: the state update (the race gate), the strategy's own writes and `alongside`, in
 * one transaction. A lost race (a replayed code, a failure counted meanwhile) is a failure.
 * `spendsCredential` counts in `alongside`.
 */
export async function commit(account: Account, match: Match, actor: Actor, alongside: TransactItem[] = [], options: CommitOptions = {}): Promise<void> {
  const { policySequence, spendsCredential, retryable = [], ...transactOptions } = options;
  const gate = mfaStore.successGate(account.user.userId, account.mfa, epochSeconds(now()), match.advance);
  const used = match.kind === 'recovery' ? [accountEvent(account, 'recovery.used', actor, match.details, policySequence)] : [];
  const consumed = [gate, ...(match.writes ?? []), ...used];
  const spentBy = spendsCredential === undefined ? {} : { spendsCredential: consumed.length + spendsCredential };
  const items = [...consumed, ...alongside];
  await gated(account, actor, policySequence, (i) => retryable.includes(items[i]!), () => transactWrite(items, { ...transactOptions, ...spentBy }));
}

/**
 * Runs the write that passes the race gate; a lost race counts as a failure (and answers its error).
 * Not when only retryable items lost (a remembered device whose state a concurrent login moved):
 * nothing was written, the proof is still good, and a retry succeeds.
 */
async function gated(
  account: Account,
  actor: Actor,
  policySequence: number | undefined,
  retryable: (index: number) => boolean,
  write: () => Promise<void>,
): Promise<void> {
  const at = now();
  try {
    await write();
  } catch (error) {
    if (!(error instanceof LostRace)) throw error;
    if (error.failed.length > 0 && error.failed.every(retryable)) throw new Unavailable(undefined, { cause: error });
    throw await recordFailure(account, at, actor, policySequence);
  }
}

/**
 * Counts one failure and answers the error to send: the plain invalid-code error, or the lockout
 * once it starts. A failure counts only while the step is unlocked (a conditional update), so a
 * burst of parallel guesses, or of copies of a code a racing success already used, counts at most
 * the failures up to the next lock; every later one finds the step locked and changes nothing.
 */
async function recordFailure(account: Account, at: Date, actor: Actor, policySequence?: number): Promise<Error> {
  const t = epochSeconds(at);
  const { userId } = account.user;
  let state: MfaState = account.mfa;
  metrics.secondFactorFailure(account.user.orgId);
  for (let attempt = 0; attempt < 50; attempt++) {
    const retryAfter = lockedFor(state, t);
    if (retryAfter !== undefined) return lockedOut(retryAfter);
    const failure = nextFailure(state.failures, t);
    // A lockout is a security event: its audit event goes in the same transaction.
    const event = failure.lockEvent
      ? [accountEvent(account, 'mfa.locked_out', actor, { failures: failure.failures, hardStop: failure.hardStop }, policySequence)]
      : [];
    const refusedBy = await mfaStore.countFailure(userId, failure, t, event);
    if (!refusedBy && failure.lockEvent) metrics.lockout(account.user.orgId);
    if (!refusedBy) return failure.lock ? lockedOut(failure.lock - t) : invalidCode();
    state = refusedBy; // a race moved the state on: decide again from what it is now
  }
  return invalidCode();
}

/** The audit event of an action on the account (its factors, its logins, its lockout), as a transaction item. */
export const accountEvent = (
  account: Account,
  action: AuditAction,
  actor: Actor,
  details?: Record<string, string | number | boolean>,
  policySequence?: number,
): TransactItem =>
  auditPut({ orgId: account.user.orgId, action, actor, targetUserId: account.user.userId, details, policySequence });

export async function accountAndPolicy(principal: Principal): Promise<{ account: Account; policy: Policy }> {
  const [account, policy] = await Promise.all([ownAccount(principal), getPolicy(principal.orgId)]);
  return { account, policy };
}

/**
 * The caller's own account. A deactivated (or invited, or erased) user's token is refused here: a
 * pending login token has no session for a deactivation to revoke, and this read comes free with
 * every route that takes one.
 */
export async function ownAccount(principal: Principal): Promise<Account> {
  const account = await accountOf(principal.userId);
  if (!isActive(account.user)) throw new Unauthenticated('This account is not active', ErrorCode.accountDeactivated);
  return account;
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
  /** The device remembered with this login, where the user asked and the org allows it. */
  device?: RememberedDevice;
}

export interface FinishOptions {
  /** Callers that read them already pass them in: one Query per request. */
  loaded?: { account: Account; policy: Policy };
  /** The user asks to skip the second step on this device next time (only where the policy allows). */
  rememberDevice?: boolean;
}

/** Finishes a login (or steps up a session) with a second factor: aal 2 tokens. */
export async function finishLogin(principal: Principal, proof: Proof, actor: Actor, options: FinishOptions = {}): Promise<LoginOutcome> {
  if (principal.actorId !== undefined) throw new Forbidden('An impersonation token cannot sign in as its target');
  // A pending password reset proves the link's mailbox, not the password: it never signs in.
  if (principal.pendingPurpose === 'reset') throw new Forbidden('A password-reset token cannot sign in');
  const { account, policy } = options.loaded ?? (await accountAndPolicy(principal));
  const match = await prove(account, proof, actor, { allowed: allowedMethods(account, policy), policySequence: policy.sequence });
  // Asked where the org does not allow it, nothing is remembered: the answer carries no device token.
  const device =
    options.rememberDevice && policy.rememberDeviceDays > 0
      ? await prepareDevice(subjectOf(account), policy.rememberDeviceDays, actor, now(), devicesStateIn(account), policy.sequence)
      : undefined;
  const tokens = await commitLogin(account, policy, match, actor, principal.pending ? principal.tokenId : undefined, device && { writes: device.writes, retryable: [device.stateWrite] });
  const held = recoveryHashes(account).size;
  const left = match.kind === 'recovery' ? held - 1 : held;
  const tell = match.kind === 'recovery' || (held > 0 && left <= FEW_RECOVERY_CODES);
  return { tokens, ...(tell && { recoveryCodesRemaining: left }), ...(device && { device }) };
}

const subjectOf = ({ user }: Account) => ({ userId: user.userId, orgId: user.orgId, role: user.role });

/** The devices' state the account Query read with the account. */
export const devicesStateIn = (account: Account) => account.others.get(devicesStateSortKey) as DevicesState | undefined;

/** Revokes every remembered device of the account, for the transaction of the change that is `reason`. */
export const deviceRevocation = (account: Account, reason: RevocationReason, actor: Actor, policySequence?: number): TransactItem[] =>
  revokeDevices(subjectOf(account), devicesStateIn(account), reason, actor, now(), policySequence);

/**
 * Commits a matched proof together with a new aal 2 session and the login's audit event (and what
 * rides along: a remembered device's writes, and the one of them whose failed condition is a race
 * with another login, answered 503, not the proof's failure). With the pending token's jti (`pendingTokenId`) the session
 * takes it as its id, and writing the session spends the token: of two logins with one pending
 * token, even with two valid proofs, one wins.
 * One transaction (the gate, the strategy's writes, the session, its event): a TOTP login is then two
 * DynamoDB calls warm, the Query and this. Writing the gate alone first would save one write unit
 * (a plain write costs one, a transaction item two) for a third round trip: README, Cost per million.
 */
export async function commitLogin(
  account: Account,
  policy: Policy,
  match: Match,
  actor: Actor,
  pendingTokenId?: string,
  alongside: { writes: TransactItem[]; retryable: TransactItem[] } = { writes: [], retryable: [] },
): Promise<Tokens> {
  const { user } = account;
  const session = await prepareSession(
    subjectOf(account),
    { aal: 2, amr: ['pwd', match.amr] },
    actor,
    pendingTokenId === undefined ? {} : { sid: pendingTokenId },
  );
  const event = accountEvent(account, 'login.two_factor', actor, { method: match.kind, ...match.details, sid: session.session.sid }, policy.sequence);
  const spends = pendingTokenId === undefined ? { consumesCredential: true } : { spendsCredential: 0 };
  await commit(account, match, actor, [session.write, event, ...alongside.writes], { ...spends, policySequence: policy.sequence, retryable: alongside.retryable });
  metrics.login('success', match.kind, user.orgId);
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
  const match = await prove(account, { code }, actor, { allowed: allowedMethods(account, policy), policySequence: policy.sequence });
  await commit(account, match, actor, [], { policySequence: policy.sequence });
}
