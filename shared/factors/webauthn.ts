/**
 * Security keys and passkeys (WebAuthn) with @simplewebauthn/server. Challenges are single-use
 * items with a 5-minute expiry, consumed by a conditional delete; RP ID and origins come from
 * config; a sign count that does not move forward (a cloned authenticator) is refused. The library
 * is imported lazily, so routes that only take codes do not pay for loading it.
 */
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { createHash } from 'node:crypto';
import { config } from '../config';
import { BadRequest, ErrorCode } from '../errors';
import { logger } from '../log';
import { tableName } from '../store/client';
import { epochSeconds, live } from '../store/conditions';
import { keys, type Key } from '../store/keys';
import type { Account, FactorItem } from './account';
import type { SecondFactor, TransactItem } from './second-factor';

export const CHALLENGE_TTL_SECONDS = 5 * 60;
export type Ceremony = 'registration' | 'authentication';

/** Keyed by a digest: credential ids may be up to 1023 bytes, more than a sort key holds. */
export const credentialKey = (userId: number, credentialId: string): Key =>
  keys.factor(userId, `WEBAUTHN#${createHash('sha256').update(credentialId).digest('base64url')}`);
export const challengeKey = (userId: number, ceremony: Ceremony): Key => keys.challenge(userId, ceremony);

export interface CredentialItem extends FactorItem {
  credentialId: string;
  publicKey: string;
  counter: number;
  transports?: string[];
  name: string;
  lastUsedAt?: string;
}

export const credentialsOf = (account: Account) => account.factors.filter((f) => f.kind === 'webauthn') as CredentialItem[];

const relyingParty = () => {
  const c = config();
  return { rpID: c.WEBAUTHN_RP_ID, origins: c.WEBAUTHN_ORIGINS, rpName: c.APP_NAME };
};

/** The item that holds a ceremony's challenge; replacing it cancels the previous ceremony. */
export function challengeItem(userId: number, ceremony: Ceremony, challenge: string, at: Date) {
  return { ...challengeKey(userId, ceremony), challenge, expiresAt: epochSeconds(at) + CHALLENGE_TTL_SECONDS };
}

/** The live challenge of a ceremony, or a clear 400. */
export function pendingChallenge(account: Account, ceremony: Ceremony, at: Date): string {
  const item = live(account.others.get(challengeKey(account.user.userId, ceremony).sk) as { challenge: string; expiresAt: number } | undefined, at);
  if (!item) throw new BadRequest(ErrorCode.invalidRequest, `No ${ceremony} is in progress, or it expired: request new options`);
  return item.challenge;
}

/** Consumes the challenge: a replayed or concurrent response finds it gone. */
export function consumeChallenge(account: Account, ceremony: Ceremony, challenge: string, at: Date): TransactItem {
  return {
    Delete: {
      TableName: tableName(),
      Key: challengeKey(account.user.userId, ceremony),
      ConditionExpression: 'challenge = :c AND expiresAt > :now',
      ExpressionAttributeValues: { ':c': challenge, ':now': epochSeconds(at) },
    },
  };
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

/** Verifies a registration response against the pending challenge; answers the credential item. */
export async function verifyRegistration(account: Account, response: unknown, name: string, at: Date): Promise<{ item: CredentialItem; challenge: string }> {
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
  const item: CredentialItem = {
    ...credentialKey(account.user.userId, credential.id),
    kind: 'webauthn',
    verified: true,
    credentialId: credential.id,
    publicKey: Buffer.from(credential.publicKey).toString('base64url'),
    counter: credential.counter,
    ...(credential.transports && { transports: credential.transports }),
    aaguid,
    name,
    createdAt: at.toISOString(),
  };
  return { item, challenge };
}

export async function authenticationOptions(account: Account): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const { generateAuthenticationOptions } = await import('@simplewebauthn/server');
  return generateAuthenticationOptions({
    rpID: relyingParty().rpID,
    allowCredentials: credentialsOf(account).map((c) => ({ id: c.credentialId, transports: c.transports })),
    userVerification: 'preferred',
  });
}

export const webauthn = {
  kind: 'webauthn',
  amr: 'hwk',
  accepts: (proof) => proof.webauthn !== undefined,
  async check(account, proof, at) {
    const assertion = proof.webauthn as AuthenticationResponseJSON;
    // Only this user's credentials: another user's key is simply unknown here.
    const credential = credentialsOf(account).find((c) => typeof assertion?.id === 'string' && c.credentialId === assertion.id);
    const stored = live(account.others.get(challengeKey(account.user.userId, 'authentication').sk) as { challenge: string; expiresAt: number } | undefined, at);
    if (!credential || !stored) return undefined;
    const { verifyAuthenticationResponse } = await import('@simplewebauthn/server');
    const { rpID, origins } = relyingParty();
    try {
      const { verified, authenticationInfo } = await verifyAuthenticationResponse({
        response: assertion,
        expectedChallenge: stored.challenge,
        expectedOrigin: origins,
        expectedRPID: rpID,
        credential: {
          id: credential.credentialId,
          publicKey: Buffer.from(credential.publicKey, 'base64url'),
          counter: credential.counter,
          transports: credential.transports,
        },
        requireUserVerification: false,
      });
      if (!verified) return undefined;
      return {
        kind: 'webauthn',
        amr: 'hwk',
        details: { credential: credential.credentialId.slice(0, 16) },
        writes: [
          consumeChallenge(account, 'authentication', stored.challenge, at),
          {
            // The stored count moves forward only from the value verified against.
            Update: {
              TableName: tableName(),
              Key: { pk: credential.pk, sk: credential.sk },
              UpdateExpression: 'SET #counter = :next, lastUsedAt = :at',
              ConditionExpression: '#counter = :read',
              ExpressionAttributeNames: { '#counter': 'counter' },
              ExpressionAttributeValues: { ':next': authenticationInfo.newCounter, ':read': credential.counter, ':at': at.toISOString() },
            },
          },
        ],
      };
    } catch (error) {
      // A counter that went back means a cloned authenticator: worth a warning in the logs.
      logger.warn('WebAuthn assertion refused', { userId: account.user.userId, reason: (error as Error).message });
      return undefined;
    }
  },
} satisfies SecondFactor;
