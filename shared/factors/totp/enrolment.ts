/** Setting up an authenticator app: a secret stored unverified (a code verifies it), and its otpauth URI while unverified. */
import type { Actor } from '../../audit/events';
import { now } from '../../clock';
import { Conflict, NotFound } from '../../errors';
import { assertMethodAllowed } from '../../policy/policy';
import { transactWrite } from '../../store/transact';
import type { Principal } from '../../tokens/principal';
import { factorOfKind } from '../account';
import { accountAndPolicy, accountEvent, ownAccount, assertRecentSecondFactor } from '../authenticate';
import { assertMayEnrol } from '../enrolment';
import { profileUpdate } from '../profile-store';
import { newTotpSecret, normaliseTotpSecret, openTotpSecret, otpauthUri, sealTotpSecret } from './secret';
import * as totpStore from './store';

/** Sets (or replaces) the user's TOTP secret, unverified until a code proves the app has it. */
export async function enrolTotp(principal: Principal, actor: Actor, options: { secret?: string; code?: string } = {}) {
  const { account, policy } = await accountAndPolicy(principal);
  assertMayEnrol(principal, account, policy);
  assertMethodAllowed(policy, 'totp');
  const secret = options.secret === undefined ? newTotpSecret() : normaliseTotpSecret(options.secret);
  const existing = factorOfKind(account, 'totp');
  if (existing?.verified) await assertRecentSecondFactor(principal, account, policy, actor, options.code);
  const userId = account.user.userId;
  await transactWrite([
    totpStore.put(userId, await sealTotpSecret(userId, secret), now()),
    profileUpdate(userId, { preferred: 'totp', ...(existing?.verified && { unverified: ['totp'] }) }),
    accountEvent(account, 'factor.enrolled', actor, { method: 'totp', replaced: !!existing?.verified }, policy.sequence),
  ]);
  return { secret, uri: otpauthUri(account.user.email, secret) };
}

/** The otpauth URI of the unverified TOTP secret (for its QR code). */
export async function pendingTotpUri(principal: Principal): Promise<string> {
  const account = await ownAccount(principal);
  const factor = factorOfKind(account, 'totp');
  if (!factor) throw new NotFound('There is no authenticator app to show: set one up first');
  if (factor.verified) throw new Conflict('The authenticator app is verified: its secret is no longer shown');
  const secret = await openTotpSecret(factor);
  if (!secret) throw new Conflict('The authenticator secret cannot be read: set up the app again');
  return otpauthUri(account.user.email, secret);
}
