/**
 * Whether the credential behind a token is still good, for requests that change state (GETs trust
 * the token for its short life). A full or impersonation token's credential is its session item:
 * live while not revoked and not past its idle or absolute end. A pending login token's credential
 * is its `jti` not yet spent: finishing a login writes a marker item for it, so the token finishes
 * one login only.
 *
 * Two ways to prove it: inside the request's own transaction (a guard: a ConditionCheck on the
 * session, or on the marker's absence, appended by store/transact.ts; no extra round trip), or
 * with one consistent read where a route makes no transaction.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { auditItem, type Actor } from '../audit/events';
import { now } from '../clock';
import { ErrorCode, Unauthenticated } from '../errors';
import { db, tableName } from '../store/client';
import { epochSeconds, live, LostRace } from '../store/conditions';
import { keys, type Key } from '../store/keys';
import { transactWrite, type TransactionGuard, type TransactItem } from '../store/transact';
import type { Principal } from './principal';
import type { SessionItem } from './sessions';

const ended = () => new Unauthenticated('The session has ended', ErrorCode.invalidToken);
const spent = () => new Unauthenticated('This login token was used already: sign in again', ErrorCode.invalidToken);

type Credential = { kind: 'session'; key: Key } | { kind: 'pending'; key: Key; expiresAt: number };

function credentialOf(principal: Principal): Credential {
  if (principal.pending) {
    if (!principal.tokenId) throw new Unauthenticated('The token is invalid', ErrorCode.invalidToken);
    return { kind: 'pending', key: keys.spentPendingToken(principal.userId, principal.tokenId), expiresAt: principal.expiresAt };
  }
  if (!principal.sid) throw ended();
  return { kind: 'session', key: keys.session(principal.userId, principal.sid) };
}

/** The condition a live session item meets (TTL deletes late, so the times are checked too). */
export function liveSessionCondition(at: Date) {
  return {
    ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(revokedAt) AND expiresAt > :now AND absoluteExpiresAt > :now',
    ExpressionAttributeValues: { ':now': epochSeconds(at) },
  };
}

/** The guard every transaction of a state-changing request carries. */
export function credentialGuard(principal: Principal): TransactionGuard {
  const credential = credentialOf(principal);
  return {
    item(consume: boolean): TransactItem {
      const at = now();
      if (credential.kind === 'session') return { ConditionCheck: { TableName: tableName(), Key: credential.key, ...liveSessionCondition(at) } };
      const condition = { TableName: tableName(), ConditionExpression: 'attribute_not_exists(pk)' };
      if (!consume) return { ConditionCheck: { ...condition, Key: credential.key } };
      // Kept until the token has expired anyway (TTL).
      return { Put: { ...condition, Item: { ...credential.key, spentAt: at.toISOString(), expiresAt: credential.expiresAt } } };
    },
    refused: () => (credential.kind === 'session' ? ended() : spent()),
  };
}

/** One consistent read: throws 401 when the credential is no longer good. */
export async function assertCredentialLive(principal: Principal): Promise<void> {
  const credential = credentialOf(principal);
  const result = await db().send(new GetCommand({ TableName: tableName(), Key: credential.key, ConsistentRead: true }));
  if (credential.kind === 'pending') {
    if (result.Item) throw spent();
    return;
  }
  const session = live(result.Item as SessionItem | undefined, now());
  if (!session || session.revokedAt || session.absoluteExpiresAt <= epochSeconds(now())) throw ended();
}

/**
 * Logout: the session revoked, audited in the same transaction. The revocation's own condition is
 * the proof that the session was live; a session that had ended already gets 401.
 */
export async function endSession(principal: Principal, actor: Actor): Promise<void> {
  const at = now();
  const key = credentialOf(principal).key;
  const condition = liveSessionCondition(at);
  try {
    await transactWrite(
      [
        {
          Update: {
            TableName: tableName(),
            Key: key,
            UpdateExpression: 'SET revokedAt = :at',
            ConditionExpression: condition.ConditionExpression,
            ExpressionAttributeValues: { ...condition.ExpressionAttributeValues, ':at': at.toISOString() },
          },
        },
        {
          Put: {
            TableName: tableName(),
            Item: auditItem({ orgId: principal.orgId, action: 'session.ended', actor, targetUserId: principal.userId, details: { sid: principal.sid! } }),
          },
        },
      ],
      { provesCredential: true },
    );
  } catch (error) {
    if (error instanceof LostRace && error.lost(0)) throw ended();
    throw error;
  }
}
