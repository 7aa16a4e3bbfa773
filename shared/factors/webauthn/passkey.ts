/**
 * Passkey sign-in, the WebAuthn side: a challenge issued to nobody in particular (discoverable
 * credentials: the browser lets the user pick one), and an assertion checked against it. The
 * assertion's user handle names the user (the id registration gave the credential), so the user's
 * account is one Query, read together with the challenge; the credential must be one of that user's.
 * A passkey imported from another deployment returns that deployment's handle: its owner is found by
 * the credential instead (one more read, only then).
 * What the sign-in may do with a verified assertion (policy, account status, passkey or not, user
 * verification) is identity/passkey-login.ts's.
 */
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { epochSeconds, live } from '../../store/conditions';
import { transactWrite, type TransactItem } from '../../store/transact';
import { loadAccount, type Account } from '../account';
import { credentialsOf, newChallenge, passkeyOptions, verifyAssertion } from './ceremony';
import * as webauthnStore from './store';
import type { CredentialItem } from './store';
import { userIdOfHandle } from './user-handle';

/** Options for a passkey sign-in, its challenge stored (single use, 5 minutes). */
export async function issuePasskeyChallenge(at: Date) {
  const options = await passkeyOptions();
  await transactWrite([webauthnStore.putPasskeyChallenge(newChallenge(options.challenge, at))]);
  return options;
}

/** A verified passkey assertion: whose, by which credential, and the writes that consume it. */
export interface PasskeyAssertion {
  account: Account;
  credential: CredentialItem;
  /** The authenticator's UV flag: the user was verified (PIN, biometric), not only present. */
  userVerified: boolean;
  /** The challenge's conditional delete and the sign count's conditional advance, in this order. */
  writes: [TransactItem, TransactItem];
}

/** Challenges are 32 random bytes in base64url (passkeyOptions); anything else was never issued. */
const CHALLENGE = /^[A-Za-z0-9_-]{16,128}$/;

/** The challenge the client signed over (clientDataJSON), if the assertion carries a plausible one. */
function signedChallenge(assertion: AuthenticationResponseJSON): string | undefined {
  try {
    const clientData = JSON.parse(Buffer.from(assertion.response.clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown };
    return typeof clientData.challenge === 'string' && CHALLENGE.test(clientData.challenge) ? clientData.challenge : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The account and credential an assertion names. Its user handle names one of our users, who holds
 * the credential; or, for a passkey imported from another deployment (its authenticator returns that
 * deployment's handle), the credential's recorded owner holds it under that same handle.
 */
async function credentialOf(assertion: AuthenticationResponseJSON, named: Account | undefined) {
  const handle = assertion.response.userHandle;
  const own = named && credentialsOf(named).find((c) => c.credentialId === assertion.id && c.userHandle === undefined);
  if (own) return { account: named, credential: own };
  const owner = typeof handle === 'string' ? await webauthnStore.readImportedPasskeyOwner(assertion.id) : undefined;
  const account = owner === undefined ? undefined : await loadAccount(owner);
  const imported = account && credentialsOf(account).find((c) => c.credentialId === assertion.id && c.userHandle === handle);
  return imported && { account: account!, credential: imported };
}

/**
 * Checks an assertion: its challenge issued and live, its user handle naming a user who holds the
 * credential (credentialOf), the signature, origin, RP ID and a sign count that moves forward.
 * Undefined when any of it fails (the caller answers them all alike).
 */
export async function checkPasskeyAssertion(assertion: AuthenticationResponseJSON, at: Date): Promise<PasskeyAssertion | undefined> {
  const challenge = signedChallenge(assertion);
  if (challenge === undefined) return undefined;
  const userId = userIdOfHandle(assertion.response.userHandle);
  const [stored, named] = await Promise.all([webauthnStore.readPasskeyChallenge(challenge), userId === undefined ? undefined : loadAccount(userId)]);
  if (!live(stored, at)) return undefined;
  const found = await credentialOf(assertion, named);
  if (!found) return undefined;
  const { account, credential } = found;
  const shown = await verifyAssertion(credential, assertion, challenge);
  if (!shown) return undefined;
  return {
    account,
    credential,
    userVerified: shown.userVerified,
    writes: [webauthnStore.consumePasskeyChallenge(challenge, epochSeconds(at)), webauthnStore.advanceCounter(credential, shown.newCounter, at)],
  };
}
