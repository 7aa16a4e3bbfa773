/**
 * Security keys and passkeys (WebAuthn) with @simplewebauthn/server: the registration and
 * authentication ceremonies. Challenges are single-use items with a 5-minute expiry; RP ID and
 * origins come from config. The library is imported lazily, so routes that only take codes do not
 * pay for loading it.
 */
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { config } from '../../config';
import { BadRequest, ErrorCode } from '../../errors';
import { logger } from '../../log';
import { epochSeconds, live } from '../../store/conditions';
import type { Account } from '../account';
import * as webauthnStore from './store';
import type { Ceremony, CredentialItem, NewCredential, PendingChallenge } from './store';
import { userHandleOf } from './user-handle';

export const CHALLENGE_TTL_SECONDS = 5 * 60;

export const credentialsOf = (account: Account) => account.factors.filter((f) => f.kind === 'webauthn') as CredentialItem[];

export const relyingParty = () => {
  const c = config();
  return { rpID: c.WEBAUTHN_RP_ID, origins: c.WEBAUTHN_ORIGINS, rpName: c.APP_NAME };
};

/** A ceremony's fresh challenge, with its expiry. */
export const newChallenge = (challenge: string, at: Date): PendingChallenge => ({ challenge, expiresAt: epochSeconds(at) + CHALLENGE_TTL_SECONDS });

/** The live challenge of a ceremony (TTL deletes late), if any. */
export const liveChallenge = (account: Account, ceremony: Ceremony, at: Date) => live(webauthnStore.challengeOf(account, ceremony), at);

/** The live challenge of a ceremony, or a clear 400. */
function pendingChallenge(account: Account, ceremony: Ceremony, at: Date): PendingChallenge {
  const item = liveChallenge(account, ceremony, at);
  if (!item) throw new BadRequest(ErrorCode.invalidRequest, `No ${ceremony} is in progress, or it expired: request new options`);
  return item;
}

/**
 * Options to create a key. A passkey (`passkey`) must be a resident key (discoverable: the browser
 * offers it without a user being named) with user verification (a PIN or biometric: the key alone
 * then stands for two factors, WebAuthn §6.2.3).
 */
export async function registrationOptions(account: Account, passkey = false): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const { generateRegistrationOptions } = await import('@simplewebauthn/server');
  const { rpID, rpName } = relyingParty();
  return generateRegistrationOptions({
    rpName,
    rpID,
    userName: account.user.email,
    // An opaque, stable handle: the user id, never the email.
    userID: userHandleOf(account.user.userId),
    attestationType: 'none',
    excludeCredentials: credentialsOf(account).map((c) => ({ id: c.credentialId, transports: c.transports })),
    authenticatorSelection: passkey
      ? { residentKey: 'required', requireResidentKey: true, userVerification: 'required' }
      : { residentKey: 'preferred', userVerification: 'preferred' },
  });
}

/** Verifies a registration response against the pending challenge; answers the new credential. */
export async function verifyRegistration(
  account: Account,
  response: unknown,
  name: string,
  at: Date,
): Promise<{ credential: NewCredential; challenge: string }> {
  const { challenge, passkey: passkeyAsked } = pendingChallenge(account, 'registration', at);
  const { verifyRegistrationResponse } = await import('@simplewebauthn/server');
  const { rpID, origins } = relyingParty();
  let verification;
  try {
    verification = await verifyRegistrationResponse({
      response: response as RegistrationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: origins,
      expectedRPID: rpID,
      requireUserVerification: false,
    });
  } catch (error) {
    throw new BadRequest(ErrorCode.invalidRequest, `The security key registration was refused: ${(error as Error).message}`);
  }
  if (!verification.verified || !verification.registrationInfo) {
    throw new BadRequest(ErrorCode.invalidRequest, 'The security key registration could not be verified');
  }
  const { credential, aaguid, userVerified } = verification.registrationInfo;
  if (credentialsOf(account).some((c) => c.credentialId === credential.id)) {
    throw new BadRequest(ErrorCode.invalidRequest, 'This security key is registered already');
  }
  // A passkey only where asked for and the response shows it: the user verified (the UV flag), and
  // the client did not report a non-discoverable credential (credProps.rk false; absent, the
  // "required" resident key of the options stands). Anything less stays a second factor only.
  const rk = (response as { clientExtensionResults?: { credProps?: { rk?: unknown } } }).clientExtensionResults?.credProps?.rk;
  const passkey = passkeyAsked === true && userVerified && rk !== false;
  return {
    credential: {
      credentialId: credential.id,
      publicKey: Buffer.from(credential.publicKey).toString('base64url'),
      counter: credential.counter,
      ...(credential.transports && { transports: credential.transports }),
      aaguid,
      name,
      createdAt: at.toISOString(),
      ...(passkey && { passkey: true }),
    },
    challenge,
  };
}

/**
 * Verifies an assertion by `credential` over `expectedChallenge` (origin, RP ID, signature, and a
 * sign count that moves forward); answers what it showed, or undefined when it is refused.
 */
export async function verifyAssertion(
  credential: CredentialItem,
  assertion: AuthenticationResponseJSON,
  expectedChallenge: string,
): Promise<{ newCounter: number; userVerified: boolean } | undefined> {
  const { verifyAuthenticationResponse } = await import('@simplewebauthn/server');
  const { rpID, origins } = relyingParty();
  try {
    const { verified, authenticationInfo } = await verifyAuthenticationResponse({
      response: assertion,
      expectedChallenge,
      expectedOrigin: origins,
      expectedRPID: rpID,
      credential: {
        id: credential.credentialId,
        publicKey: Buffer.from(credential.publicKey, 'base64url'),
        counter: credential.counter,
        transports: credential.transports,
      },
      // Checked by the caller: a second factor takes presence alone, a passkey sign-in refuses it clearly.
      requireUserVerification: false,
    });
    return verified ? { newCounter: authenticationInfo.newCounter, userVerified: authenticationInfo.userVerified } : undefined;
  } catch (error) {
    // A counter that went back means a cloned authenticator: worth a warning in the logs.
    logger.warn('WebAuthn assertion refused', { credential: credential.credentialId.slice(0, 16), reason: (error as Error).message });
    return undefined;
  }
}

/** Options for a passkey sign-in: no account is named, so no credentials are listed (discoverable), and the user must be verified. */
export async function passkeyOptions(): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const { generateAuthenticationOptions } = await import('@simplewebauthn/server');
  return generateAuthenticationOptions({ rpID: relyingParty().rpID, allowCredentials: [], userVerification: 'required' });
}

export async function authenticationOptions(account: Account): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const { generateAuthenticationOptions } = await import('@simplewebauthn/server');
  return generateAuthenticationOptions({
    rpID: relyingParty().rpID,
    allowCredentials: credentialsOf(account).map((c) => ({ id: c.credentialId, transports: c.transports })),
    userVerification: 'preferred',
  });
}
