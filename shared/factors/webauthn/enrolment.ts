/** A user's security keys and passkeys: register, list, remove; and the options a key login starts with. */
import type { Actor } from '../../audit/events';
import { now } from '../../clock';
import { BadRequest, Conflict, ErrorCode, NotFound } from '../../errors';
import { assertMethodAllowed } from '../../policy/policy';
import { epochSeconds, LostRace } from '../../store/conditions';
import { transactWrite } from '../../store/transact';
import type { Principal } from '../../tokens/principal';
import { prepareSession, type Tokens } from '../../tokens/sessions';
import { assertKeepsStrongFactor } from '../account';
import { accountAndPolicy, accountEvent, ownAccount, assertRecentSecondFactor, deviceRevocation } from '../authenticate';
import { assertMayEnrol } from '../enrolment';
import { profileUpdate } from '../profile-store';
import { authenticationOptions, credentialsOf, newChallenge, registrationOptions, verifyRegistration } from './ceremony';
import * as webauthnStore from './store';

export interface SecurityKey {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  /** Usable for passwordless sign-in (identity/passkey-login.ts), not only as a second factor. */
  passkey: boolean;
}

/** Options to create a key; `passkey` asks for one usable for passwordless sign-in (ceremony.ts registrationOptions). */
export async function startKeyRegistration(principal: Principal, { passkey = false }: { passkey?: boolean } = {}) {
  const { account, policy } = await accountAndPolicy(principal);
  assertMayEnrol(principal, account, policy);
  assertMethodAllowed(policy, 'webauthn');
  const options = await registrationOptions(account, passkey);
  // The challenge remembers what was asked for: the registration marks a passkey only then.
  const pending = { ...newChallenge(options.challenge, now()), ...(passkey && { passkey: true }) };
  // A transaction of one: it carries the request's session check (store/transact.ts).
  await transactWrite([webauthnStore.putChallenge(account.user.userId, 'registration', pending)]);
  return options;
}

/**
 * Registers the key the browser created. With a pending login token (2FA forced, not enrolled yet)
 * registering also finishes the login: the user just proved possession of the key.
 */
export async function finishKeyRegistration(
  principal: Principal,
  response: unknown,
  name: string,
  actor: Actor,
): Promise<{ key: SecurityKey; tokens?: Tokens }> {
  const { account, policy } = await accountAndPolicy(principal);
  assertMayEnrol(principal, account, policy);
  assertMethodAllowed(policy, 'webauthn');
  const at = now();
  const { credential, challenge } = await verifyRegistration(account, response, name, at);
  const { user } = account;
  const session = principal.pending
    ? await prepareSession({ userId: user.userId, orgId: user.orgId, role: user.role }, { aal: 2, amr: ['pwd', 'hwk'] }, actor)
    : undefined;
  try {
    await transactWrite([
      webauthnStore.consumeChallenge(user.userId, 'registration', challenge, epochSeconds(at)),
      webauthnStore.putCredential(user.userId, credential),
      profileUpdate(user.userId, { verified: 'webauthn', ...(!user.preferredMethod && { preferred: 'webauthn' }) }),
      accountEvent(account, 'factor.verified', actor, { method: 'webauthn', name, ...(credential.passkey && { passkey: true }) }, policy.sequence),
      ...(session ? [session.write] : []),
    ], { consumesCredential: !!session });
  } catch (error) {
    if (!(error instanceof LostRace) || !error.failed.length) throw error;
    throw new BadRequest(ErrorCode.invalidRequest, 'This registration was completed or cancelled already: request new options');
  }
  return {
    key: { id: credential.credentialId, name: credential.name, createdAt: credential.createdAt, lastUsedAt: null, passkey: credential.passkey === true },
    ...(session && { tokens: await session.tokens() }),
  };
}

export async function listKeys(principal: Principal): Promise<SecurityKey[]> {
  const account = await ownAccount(principal);
  return credentialsOf(account).map((c) => ({
    id: c.credentialId,
    name: c.name,
    createdAt: c.createdAt,
    lastUsedAt: c.lastUsedAt ?? null,
    passkey: c.passkey === true,
  }));
}

export async function removeKey(principal: Principal, credentialId: string, actor: Actor, code?: string): Promise<void> {
  const { account, policy } = await accountAndPolicy(principal);
  const credentials = credentialsOf(account);
  const credential = credentials.find((c) => c.credentialId === credentialId);
  if (!credential) throw new NotFound('No such security key');
  assertKeepsStrongFactor(account, policy, (f) => f === credential);
  await assertRecentSecondFactor(principal, account, policy, actor, code);
  const last = credentials.length === 1;
  // The last key of a user with no other factor (recovery codes aside): 2FA is off, the devices go.
  const lastFactor = last && !account.factors.some((f) => f.verified && f.kind !== 'webauthn' && f.kind !== 'recovery');
  try {
    await transactWrite([
      webauthnStore.removeCredential(credential),
      ...webauthnStore.removeImportedPasskeyOwner(credential),
      ...(last
        ? [
            profileUpdate(account.user.userId, {
              unverified: ['webauthn'],
              ...(account.user.preferredMethod === 'webauthn' && { preferred: null }),
            }),
          ]
        : []),
      accountEvent(account, 'factor.removed', actor, { method: 'webauthn', name: credential.name }, policy.sequence),
      ...(lastFactor ? deviceRevocation(account, 'two_factor_disabled', actor, policy.sequence) : []),
    ]);
  } catch (error) {
    if (error instanceof LostRace && error.failed.length) throw new NotFound('No such security key');
    throw error;
  }
}

/** Options for a login with a key: a fresh single-use challenge for this user's keys. */
export async function startKeyLogin(principal: Principal) {
  const { account, policy } = await accountAndPolicy(principal);
  assertMethodAllowed(policy, 'webauthn');
  if (credentialsOf(account).length === 0) throw new Conflict('You have no security key registered');
  const options = await authenticationOptions(account);
  await transactWrite([webauthnStore.putChallenge(account.user.userId, 'authentication', newChallenge(options.challenge, now()))]);
  return options;
}
