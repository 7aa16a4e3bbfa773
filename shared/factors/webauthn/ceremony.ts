/**
 * Security keys and passkeys (WebAuthn) with @simplewebauthn/server: the registration and
 * authentication ceremonies. Challenges are single-use items with a 5-minute expiry; RP ID and
 * origins come from config. The library is imported lazily, so routes that only take codes do not
 * pay for loading it.
 */
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { config } from '../../config';
import { BadRequest, ErrorCode } from '../../errors';
import { epochSeconds, live } from '../../store/conditions';
import type { Account } from '../account';
import * as webauthnStore from './store';
import type { Ceremony, CredentialItem, NewCredential, PendingChallenge } from './store';

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
function pendingChallenge(account: Account, ceremony: Ceremony, at: Date): string {
  const item = liveChallenge(account, ceremony, at);
  if (!item) throw new BadRequest(ErrorCode.invalidRequest, `No ${ceremony} is in progress, or it expired: request new options`);
  return item.challenge;
}

export async function registrationOptions(account: Account): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const { generateRegistrationOptions } = await import('@simplewebauthn/server');
  const { rpID, rpName } = relyingParty();
  return generateRegistrationOptions({
    rpName,
    rpID,
    userName: account.user.email,
    // An opaque, stable handle: the user id, never the email.
    userID: new TextEncoder().encode(`user-${account.user.userId}`),
    attestationType: 'none',
    excludeCredentials: credentialsOf(account).map((c) => ({ id: c.credentialId, transports: c.transports })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
  });
}

/** Verifies a registration response against the pending challenge; answers the new credential. */
export async function verifyRegistration(
  account: Account,
  response: unknown,
  name: string,
  at: Date,
): Promise<{ credential: NewCredential; challenge: string }> {
  const challenge = pendingChallenge(account, 'registration', at);
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
  const { credential, aaguid } = verification.registrationInfo;
  if (credentialsOf(account).some((c) => c.credentialId === credential.id)) {
    throw new BadRequest(ErrorCode.invalidRequest, 'This security key is registered already');
  }
  return {
    credential: {
      credentialId: credential.id,
      publicKey: Buffer.from(credential.publicKey).toString('base64url'),
      counter: credential.counter,
      ...(credential.transports && { transports: credential.transports }),
      aaguid,
      name,
      createdAt: at.toISOString(),
    },
    challenge,
  };
}

export async function authenticationOptions(account: Account): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const { generateAuthenticationOptions } = await import('@simplewebauthn/server');
  return generateAuthenticationOptions({
    rpID: relyingParty().rpID,
    allowCredentials: credentialsOf(account).map((c) => ({ id: c.credentialId, transports: c.transports })),
    userVerification: 'preferred',
  });
}
