/**
 * A user's own second factors: enrol, verify, disable; and an admin's reset of someone else's.
 * A pending login token may enrol only while the user has no usable factor (forced 2FA, not yet
 * enrolled): otherwise a stolen password could add the thief's own authenticator.
 */

import type { Actor } from '../audit/events';
import { now } from '../clock';
import { Conflict, ErrorCode, Forbidden, NotFound } from '../errors';
import { mayEditUser } from '../identity/permissions';
import { getUser } from '../identity/users';
import { assertMethodAllowed, type Method, type Policy } from '../policy/policy';
import { transactWrite } from '../store/transact';
import { tableName } from '../store/client';
import { keys } from '../store/keys';
import type { Principal } from '../tokens/principal';
import { revokeAllSessions, type Tokens } from '../tokens/sessions';
import { usableMethods, type Account, type FactorItem, type FactorKind } from './account';
import { accountAndPolicy, accountOf, assertRecentSecondFactor, auditPut, commit, commitLogin, finishLogin, prove } from './authenticate';
import { profileUpdate } from './profile';
import { maskedPhoneOf } from './sms';
import type { TransactItem } from './second-factor';
import { newTotpSecret, normaliseTotpSecret, openTotpSecret, otpauthUri, sealTotpSecret, totpFactor, totpKey } from './totp';

export function assertMayEnrol(principal: Principal, account: Account, policy: Policy): void {
  if (principal.actorId !== undefined) throw new Forbidden('An impersonation token cannot change second factors');
  if (principal.pending && usableMethods(account, policy.methods).length > 0) {
    throw new Forbidden('Finish signing in with your second factor before changing it', ErrorCode.twoFactorRequired);
  }
}

export interface TwoFactorSettings {
  method: FactorKind | null;
  /** Only while the TOTP factor is unverified. */
  secret: string | null;
  /** The national number masked (only its last digits show). */
  phone: { countryCode: string; masked: string } | null;
  verified: boolean;
  /** Every verified factor kind, not only the preferred one. */
  verifiedMethods: FactorKind[];
}

const factorOfKind = (account: Account, kind: FactorKind) => account.factors.find((f) => f.kind === kind);

export async function twoFactorSettings(principal: Principal): Promise<TwoFactorSettings> {
  const account = await accountOf(principal.userId);
  const method = account.user.preferredMethod ?? account.factors.find((f) => f.verified)?.kind ?? account.factors[0]?.kind ?? null;
  const totpItem = totpFactor(account);
  const sms = factorOfKind(account, 'sms');
  return {
    method,
    secret: totpItem && !totpItem.verified ? ((await openTotpSecret(totpItem)) ?? null) : null,
    phone: sms ? { countryCode: sms.countryCode as string, masked: maskedPhoneOf(sms) } : null,
    verified: method ? (factorOfKind(account, method)?.verified ?? false) : false,
    verifiedMethods: [...new Set(account.factors.filter((f) => f.verified).map((f) => f.kind))],
  };
}

/** Sets (or replaces) the user's TOTP secret, unverified until a code proves the app has it. */
export async function enrolTotp(principal: Principal, actor: Actor, options: { secret?: string; code?: string } = {}) {
  const { account, policy } = await accountAndPolicy(principal);
  assertMayEnrol(principal, account, policy);
  assertMethodAllowed(policy, 'totp');
  const secret = options.secret === undefined ? newTotpSecret() : normaliseTotpSecret(options.secret);
  const existing = totpFactor(account);
  if (existing?.verified) await assertRecentSecondFactor(principal, account, policy, actor, options.code);
  const factor = {
    ...totpKey(account.user.userId),
    kind: 'totp',
    verified: false,
    sealedSecret: await sealTotpSecret(account.user.userId, secret),
    createdAt: now().toISOString(),
  };
  await transactWrite([
    { Put: { TableName: tableName(), Item: factor } },
    profileUpdate(account.user.userId, { preferred: 'totp', ...(existing?.verified && { unverified: ['totp'] }) }),
    auditPut(account, 'factor.enrolled', actor, { method: 'totp', replaced: !!existing?.verified }),
  ]);
  return { secret, uri: otpauthUri(account.user.email, secret) };
}

/** The otpauth URI of the unverified TOTP secret (for its QR code). */
export async function pendingTotpUri(principal: Principal): Promise<string> {
  const account = await accountOf(principal.userId);
  const factor = totpFactor(account);
  if (!factor) throw new NotFound('There is no authenticator app to show: set one up first');
  if (factor.verified) throw new Conflict('The authenticator app is verified: its secret is no longer shown');
  const secret = await openTotpSecret(factor);
  if (!secret) throw new Conflict('The authenticator secret cannot be read: set up the app again');
  return otpauthUri(account.user.email, secret);
}

export type VerifyOutcome = { kind: 'enrolled'; method: FactorKind; tokens?: Tokens } | { kind: 'login'; tokens: Tokens };

/**
 * A code sent to verify. With an unverified factor it verifies that factor (and, with a pending
 * token, finishes the login too); with a pending token and nothing to enrol it finishes the login.
 */
export async function verifyCode(principal: Principal, code: string, actor: Actor): Promise<VerifyOutcome> {
  const { account, policy } = await accountAndPolicy(principal);
  const preferred = account.user.preferredMethod;
  const candidate =
    account.factors.find((f) => !f.verified && f.kind === preferred) ?? account.factors.find((f) => !f.verified && f.kind !== 'webauthn');
  const mayEnrol = !principal.pending || usableMethods(account, policy.methods).length === 0;
  if (candidate && mayEnrol) {
    if (principal.actorId !== undefined) throw new Forbidden('An impersonation token cannot change second factors');
    assertMethodAllowed(policy, candidate.kind as Method);
    const match = await prove(account, { code }, actor, { allowed: policy.methods, includeUnverified: true, only: [candidate.kind] });
    const writes = verificationWrites(account, candidate, actor);
    if (principal.pending) {
      const tokens = await commitLogin(account, { ...match, writes: [...(match.writes ?? []), ...writes] }, actor);
      return { kind: 'enrolled', method: candidate.kind, tokens };
    }
    await commit(account, match, actor, writes);
    return { kind: 'enrolled', method: candidate.kind };
  }
  if (principal.pending) return { kind: 'login', tokens: (await finishLogin(principal, { code }, actor, { account, policy })).tokens };
  throw new Conflict('There is no unverified second factor to verify');
}

function verificationWrites(account: Account, factor: FactorItem, actor: Actor): TransactItem[] {
  return [
    {
      Update: {
        TableName: tableName(),
        Key: { pk: factor.pk, sk: factor.sk },
        UpdateExpression: 'SET verified = :true, verifiedAt = :at',
        // The factor verified is the factor that was read: a concurrent replacement fails this.
        ConditionExpression: 'verified = :false AND createdAt = :created',
        ExpressionAttributeValues: { ':true': true, ':false': false, ':at': now().toISOString(), ':created': factor.createdAt },
      },
    },
    profileUpdate(account.user.userId, {
      verified: factor.kind,
      preferred: factor.kind === 'recovery' ? undefined : (factor.kind as Method),
    }),
    auditPut(account, 'factor.verified', actor, { method: factor.kind }),
  ];
}

const deleteFactors = (factors: FactorItem[]): TransactItem[] =>
  factors.map((f) => ({ Delete: { TableName: tableName(), Key: { pk: f.pk, sk: f.sk } } }));

/** The user turns 2FA off: every factor removed. Refused while the org forces 2FA. */
export async function disableTwoFactor(principal: Principal, actor: Actor, code?: string): Promise<void> {
  const { account, policy } = await accountAndPolicy(principal);
  if (policy.forced) throw new Forbidden('Your organisation requires two-factor authentication', ErrorCode.twoFactorForced);
  if (account.factors.length === 0) return;
  if (account.factors.some((f) => f.verified)) await assertRecentSecondFactor(principal, account, policy, actor, code);
  const kinds = [...new Set(account.factors.map((f) => f.kind))];
  await transactWrite([
    ...deleteFactors(account.factors),
    { Delete: { TableName: tableName(), Key: keys.smsCode(account.user.userId) } },
    profileUpdate(account.user.userId, { preferred: null, unverified: kinds }),
    auditPut(account, 'factor.removed', actor, { methods: kinds.join(',') }),
  ]);
}

/** An admin (or support) resets a user's 2FA: every factor and the lockout gone, every session ended. */
export async function resetTwoFactor(principal: Principal, targetUserId: number, actor: Actor): Promise<void> {
  const target = await getUser(targetUserId);
  if (!target || !mayEditUser(principal, target)) throw new NotFound(`User ${targetUserId} not found`);
  const account = await accountOf(targetUserId);
  const kinds = [...new Set(account.factors.map((f) => f.kind))];
  await transactWrite([
    ...deleteFactors(account.factors),
    { Delete: { TableName: tableName(), Key: keys.mfaState(targetUserId) } },
    { Delete: { TableName: tableName(), Key: keys.smsCode(targetUserId) } },
    profileUpdate(targetUserId, { preferred: null, unverified: kinds }),
    auditPut(account, 'factor.reset_by_admin', actor, { methods: kinds.join(',') }),
  ]);
  await revokeAllSessions(targetUserId);
}
