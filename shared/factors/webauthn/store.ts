/**
 * The repository of WebAuthn items: credentials (`FACTOR#WEBAUTHN#<digest>`, several per user),
 * each ceremony's pending challenge (`CHALLENGE#<ceremony>`: new options replace it) and passkey
 * sign-in challenges (keys.passkeyChallenge: no user is named yet). A challenge is consumed by a
 * conditional delete; a credential's sign count moves only forward from the value read.
 */
import { createHash } from 'node:crypto';
import { GetCommand } from '../../store/commands';
import { db, tableName } from '../../store/client';
import { keys, type Key } from '../../store/keys';
import type { TransactItem } from '../../store/transact';
import type { Account, FactorItem } from '../account';

export type Ceremony = 'registration' | 'authentication';

/** A registered key as the ceremony verified it. */
export interface NewCredential {
  credentialId: string;
  publicKey: string;
  counter: number;
  transports?: string[];
  aaguid: string;
  name: string;
  createdAt: string;
  /**
   * A passkey: registered as one (a resident key, the user verified) and so usable for passwordless
   * sign-in. Absent: a second factor only.
   */
  passkey?: boolean;
  /** An imported passkey's user handle (base64url): the one its authenticator returns, not ours. */
  userHandle?: string;
}

export interface CredentialItem extends FactorItem, Omit<NewCredential, 'aaguid'> {
  lastUsedAt?: string;
}

export interface PendingChallenge {
  challenge: string;
  expiresAt: number;
  /** A registration that asked for a passkey (a resident key with user verification). */
  passkey?: boolean;
}

/** Keyed by a digest: credential ids may be up to 1023 bytes, more than a sort key holds. */
const credentialKey = (userId: number, credentialId: string): Key =>
  keys.factor(userId, `WEBAUTHN#${createHash('sha256').update(credentialId).digest('base64url')}`);

/** The ceremony's challenge as read with the account (expired or not). */
export function challengeOf(account: Account, ceremony: Ceremony): PendingChallenge | undefined {
  return account.others.get(keys.challenge(account.user.userId, ceremony).sk) as PendingChallenge | undefined;
}

/** Replacing the challenge cancels the previous ceremony. */
export function putChallenge(userId: number, ceremony: Ceremony, pending: PendingChallenge): TransactItem {
  return { Put: { TableName: tableName(), Item: { ...keys.challenge(userId, ceremony), ...pending } } };
}

/** Consumes the challenge: a replayed or concurrent response finds it gone. */
export function consumeChallenge(userId: number, ceremony: Ceremony, challenge: string, nowSeconds: number): TransactItem {
  return {
    Delete: {
      TableName: tableName(),
      Key: keys.challenge(userId, ceremony),
      ConditionExpression: 'challenge = :c AND expiresAt > :now',
      ExpressionAttributeValues: { ':c': challenge, ':now': nowSeconds },
    },
  };
}

/** A new credential; one registered already (the same key twice at once) refuses the write. */
export function putCredential(userId: number, credential: NewCredential): TransactItem {
  return {
    Put: {
      TableName: tableName(),
      Item: { ...credentialKey(userId, credential.credentialId), kind: 'webauthn', verified: true, ...credential },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** The stored count moves forward only from the value verified against. */
export function advanceCounter(credential: CredentialItem, next: number, at: Date): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: { pk: credential.pk, sk: credential.sk },
      UpdateExpression: 'SET #counter = :next, lastUsedAt = :at',
      ConditionExpression: '#counter = :read',
      ExpressionAttributeNames: { '#counter': 'counter' },
      ExpressionAttributeValues: { ':next': next, ':read': credential.counter, ':at': at.toISOString() },
    },
  };
}

/** An imported passkey's owner: one user per credential (a second import of the same key is refused). */
export function putImportedPasskeyOwner(userId: number, credentialId: string): TransactItem {
  return { Put: { TableName: tableName(), Item: { ...keys.importedPasskey(credentialId), userId }, ConditionExpression: 'attribute_not_exists(pk)' } };
}

/** The user an imported passkey was imported for, if any (read consistently: an import may have just written it). */
export async function readImportedPasskeyOwner(credentialId: string): Promise<number | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.importedPasskey(credentialId), ConsistentRead: true }));
  return typeof Item?.userId === 'number' ? Item.userId : undefined;
}

/** What removing a credential also deletes: an imported passkey's owner item (none for a key registered here). */
export function removeImportedPasskeyOwner(credential: CredentialItem): TransactItem[] {
  return credential.userHandle === undefined ? [] : [{ Delete: { TableName: tableName(), Key: keys.importedPasskey(credential.credentialId) } }];
}

/** Removes a credential that is still there (a concurrent removal refuses the write). */
export function removeCredential(credential: CredentialItem): TransactItem {
  return { Delete: { TableName: tableName(), Key: { pk: credential.pk, sk: credential.sk }, ConditionExpression: 'attribute_exists(pk)' } };
}

/** A passkey sign-in's challenge, issued to nobody in particular. */
export function putPasskeyChallenge(pending: PendingChallenge): TransactItem {
  return {
    Put: { TableName: tableName(), Item: { ...keys.passkeyChallenge(pending.challenge), ...pending }, ConditionExpression: 'attribute_not_exists(pk)' },
  };
}

/** The passkey sign-in challenge as stored (expired or not), read consistently: it was written a moment ago. */
export async function readPasskeyChallenge(challenge: string): Promise<PendingChallenge | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.passkeyChallenge(challenge), ConsistentRead: true }));
  return Item && { challenge: Item.challenge as string, expiresAt: Item.expiresAt as number };
}

/** Consumes a passkey sign-in challenge: a replayed assertion, or a second one at once, finds it gone. */
export function consumePasskeyChallenge(challenge: string, nowSeconds: number): TransactItem {
  return {
    Delete: {
      TableName: tableName(),
      Key: keys.passkeyChallenge(challenge),
      ConditionExpression: 'expiresAt > :now',
      ExpressionAttributeValues: { ':now': nowSeconds },
    },
  };
}
