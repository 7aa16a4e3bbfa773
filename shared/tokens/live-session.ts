/**
 * Whether the credential behind a token is still good, for requests that change state (GETs trust
 * the token for its short life). A full or impersonation token's credential is its session item:
 * live while not revoked and not past its idle or absolute end. A pending login token's credential
 * is its `jti` not yet spent: the login it finishes writes its session under that id (or, a reset,
 * an ended one), so the token finishes one login only (pending-token-store.ts).
 *
 * Two ways to prove it: inside the request's own transaction (a guard: a ConditionCheck on the
 * session, or on the absence of an item under the jti, appended by store/transact.ts; or the login's
 * session put itself, `spendsCredential`; no extra round trip), or with one consistent read where a
 * route makes no transaction.
 */
import { auditPut, type Actor } from '../audit/events';
import { now } from '../clock';
import { ErrorCode, Unauthenticated } from '../errors';
import { LostRace } from '../store/conditions';
import { transactWrite, type TransactionGuard, type TransactItem } from '../store/transact';
import type { Principal } from './principal';
import * as pendingTokenStore from './pending-token-store';
import type { PendingToken } from './pending-token-store';
import * as sessionStore from './session-store';
import { isLive } from './sessions';

const ended = () => new Unauthenticated('The session has ended', ErrorCode.invalidToken);
const spent = () => new Unauthenticated('This login token was used already: sign in again', ErrorCode.invalidToken);

type Credential = { kind: 'session'; userId: number; sid: string } | ({ kind: 'pending' } & PendingToken);

function credentialOf(principal: Principal): Credential {
  if (principal.pending) {
    if (!principal.tokenId) throw new Unauthenticated('The token is invalid', ErrorCode.invalidToken);
    return { kind: 'pending', userId: principal.userId, jti: principal.tokenId, expiresAt: principal.expiresAt };
  }
  if (!principal.sid) throw ended();
  return { kind: 'session', userId: principal.userId, sid: principal.sid };
}

/** The guard every transaction of a state-changing request carries. */
export function credentialGuard(principal: Principal): TransactionGuard {
  const credential = credentialOf(principal);
  return {
    item(consume: boolean): TransactItem {
      if (credential.kind === 'session') return sessionStore.assertLive(credential.userId, credential.sid, now());
      // The spent marker is kept until the token has expired anyway (TTL).
      return consume ? pendingTokenStore.spend(credential, now()) : pendingTokenStore.assertUnspent(credential);
    },
    refused: () => (credential.kind === 'session' ? ended() : spent()),
  };
}

/** One consistent read: throws 401 when the credential is no longer good. */
export async function assertCredentialLive(principal: Principal): Promise<void> {
  const credential = credentialOf(principal);
  if (credential.kind === 'pending') {
    if (await pendingTokenStore.isSpent(credential)) throw spent();
    return;
  }
  if (!isLive(await sessionStore.get(credential.userId, credential.sid), now())) throw ended();
}

/**
 * Logout: the session revoked, audited in the same transaction. The revocation's own condition is
 * the proof that the session was live; a session that had ended already gets 401.
 */
export async function endSession(principal: Principal, actor: Actor): Promise<void> {
  if (!principal.sid) throw ended(); // a pending token has no session to end
  const { userId, sid } = principal;
  try {
    await transactWrite(
      [
        sessionStore.revokeLive(userId, sid, now()),
        auditPut({ orgId: principal.orgId, action: 'session.ended', actor, targetUserId: userId, details: { sid } }),
      ],
      { provesCredential: true },
    );
  } catch (error) {
    if (error instanceof LostRace && error.lost(0)) throw ended();
    throw error;
  }
}
