/**
 * What enrolment is for every factor: who may enrol, verifying the factor just set up, turning 2FA
 * off. Each factor's own enrolment (its secret, number or key) lives in its folder. A pending login
 * token may enrol only while the user has no usable factor (forced 2FA, not yet enrolled):
 * otherwise a stolen password could add the thief's own authenticator.
 */

import type { Actor } from '../audit/events';
import { now } from '../clock';
import { Conflict, ErrorCode, Forbidden } from '../errors';
import { assertMethodAllowed, type Method, type Policy } from '../policy/policy';
import { requiresTwoFactor } from '../policy/role-rules';
import { transactWrite } from '../store/transact';
import type { Principal } from '../tokens/principal';
import type { Tokens } from '../tokens/sessions';
import { loginMethods, type Account, type FactorItem, type FactorKind } from './account';
import { removeFactors, verifyFactor } from './account-store';
import { accountAndPolicy, accountEvent, assertRecentSecondFactor, commit, commitLogin, deviceRevocation, finishLogin, prove } from './authenticate';
import * as mfaStore from './mfa-store';
import { profileUpdate } from './profile-store';
import type { TransactItem } from './second-factor';
import * as emailStore from './email/store';
import * as smsStore from './sms/store';

export function assertMayEnrol(principal: Principal, account: Account, policy: Policy): void {
  if (principal.actorId !== undefined) throw new Forbidden('An impersonation token cannot change second factors');
  if (principal.pending && loginMethods(account, policy).length > 0) {
    throw new Forbidden('Finish signing in with your second factor before changing it', ErrorCode.twoFactorRequired);
  }
}

export type VerifyOutcome = { kind: 'enrolled'; method: FactorKind; tokens?: Tokens } | { kind: 'login'; tokens: Tokens };

/**
 * A code sent to verify. With unverified factors it verifies the one the code is for (and, with a
 * pending token, finishes the login too); with a pending token and nothing to enrol it finishes the
 * login.
 */
export async function verifyCode(principal: Principal, code: string, actor: Actor): Promise<VerifyOutcome> {
  const { account, policy } = await accountAndPolicy(principal);
  // Every factor waiting for its first code: a user may have started an authenticator app and codes
  // by email, and the code may be for either. One wrong code is one failure, whatever the count.
  const waiting = account.factors.filter((f) => !f.verified && f.kind !== 'webauthn');
  const mayEnrol = !principal.pending || loginMethods(account, policy).length === 0;
  if (waiting.length && mayEnrol) {
    if (principal.actorId !== undefined) throw new Forbidden('An impersonation token cannot change second factors');
    const allowed = waiting.filter((f) => policy.methods.includes(f.kind as Method));
    if (!allowed.length) assertMethodAllowed(policy, waiting[0]!.kind as Method);
    const match = await prove(account, { code }, actor, {
      allowed: policy.methods,
      includeUnverified: true,
      only: allowed.map((f) => f.kind),
      policySequence: policy.sequence,
    });
    const candidate = allowed.find((f) => f.kind === match.kind)!;
    const writes = verificationWrites(account, candidate, actor, policy);
    if (principal.pending) {
      const tokens = await commitLogin(account, policy, { ...match, writes: [...(match.writes ?? []), ...writes] }, actor, principal.tokenId);
      return { kind: 'enrolled', method: candidate.kind, tokens };
    }
    await commit(account, match, actor, writes, { policySequence: policy.sequence });
    return { kind: 'enrolled', method: candidate.kind };
  }
  if (principal.pending) return { kind: 'login', tokens: (await finishLogin(principal, { code }, actor, { loaded: { account, policy } })).tokens };
  throw new Conflict('There is no unverified second factor to verify');
}

function verificationWrites(account: Account, factor: FactorItem, actor: Actor, policy: Policy): TransactItem[] {
  return [
    verifyFactor(factor, now()),
    profileUpdate(account.user.userId, {
      verified: factor.kind,
      // Email codes never displace a stronger preferred method.
      preferred: factor.kind === 'recovery' || (factor.kind === 'email' && account.user.preferredMethod) ? undefined : (factor.kind as Method),
    }),
    accountEvent(account, 'factor.verified', actor, { method: factor.kind }, policy.sequence),
  ];
}

/**
 * The writes that remove every factor of the account, the pending SMS and email codes with them, and the
 * profile's summary; `lockout`: the second-factor state too (an admin reset starts the user afresh).
 */
export function factorRemoval(account: Account, options: { lockout?: boolean } = {}): { kinds: FactorKind[]; writes: TransactItem[] } {
  const userId = account.user.userId;
  const kinds = [...new Set(account.factors.map((f) => f.kind))];
  const writes = [
    ...removeFactors(account.factors),
    ...(options.lockout ? [mfaStore.reset(userId)] : []),
    smsStore.deleteCode(userId),
    emailStore.deleteCode(userId),
    profileUpdate(userId, { preferred: null, unverified: kinds }),
  ];
  return { kinds, writes };
}

/** The user turns 2FA off: every factor and remembered device removed. Refused while the policy requires 2FA of the user's role. */
export async function disableTwoFactor(principal: Principal, actor: Actor, code?: string): Promise<void> {
  const { account, policy } = await accountAndPolicy(principal);
  if (requiresTwoFactor(policy, account.user.role)) throw new Forbidden('Your organisation requires two-factor authentication', ErrorCode.twoFactorForced);
  if (account.factors.length === 0) return;
  if (account.factors.some((f) => f.verified)) await assertRecentSecondFactor(principal, account, policy, actor, code);
  const { kinds, writes } = factorRemoval(account);
  await transactWrite([
    ...writes,
    accountEvent(account, 'factor.removed', actor, { methods: kinds.join(',') }, policy.sequence),
    ...deviceRevocation(account, 'two_factor_disabled', actor, policy.sequence),
  ]);
}
