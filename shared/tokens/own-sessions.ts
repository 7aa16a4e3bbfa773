/**
 * A user's sessions as the user sees them (GET /api/auth/sessions), and the revocations that end
 * many at once: "sign out everywhere else", and a deactivation or erasure (identity/offboarding.ts),
 * which commit their change together with the first sessions' revocation in one transaction.
 */
import { auditPut, type Actor } from '../audit/events';
import { now } from '../clock';
import { ErrorCode, NotFound, Unauthenticated } from '../errors';
import { epochSeconds, LostRace } from '../store/conditions';
import { transactWrite, type TransactItem } from '../store/transact';
import type { Amr } from './jwt';
import type { Principal } from './principal';
import * as sessionStore from './session-store';
import type { SessionSummary } from './session-store';

/** How a session was signed into: the strongest factor of its `amr`, or an impersonation. */
export type SessionMethod = 'password' | 'totp' | 'sms' | 'webauthn' | 'passkey' | 'recovery' | 'email' | 'device' | 'impersonation';

export interface SessionView {
  id: string;
  createdAt: string;
  /** The last refresh (a refresh is when a session is last known to be used), or its start. */
  lastUsedAt: string;
  userAgent: string | null;
  ip: string | null;
  method: SessionMethod;
  /** The session of the token making the request. */
  current: boolean;
}

const METHOD: Record<Amr, SessionMethod> = { pwd: 'password', otp: 'totp', sms: 'sms', hwk: 'webauthn', mfa: 'recovery', user: 'passkey', email: 'email', dev: 'device' };

/** A passkey sign-in (`hwk` with `user`, no password) shows as a passkey, not as a key after a password. */
const methodOf = (s: SessionSummary): SessionMethod =>
  s.actorId !== undefined ? 'impersonation' : s.amr.includes('user') ? 'passkey' : METHOD[s.amr.find((a) => a !== 'pwd') ?? 'pwd'];

const usable = (s: SessionSummary, t: number) => s.expiresAt > t && s.absoluteExpiresAt > t;

const ownSid = (principal: Principal): string => {
  if (!principal.sid) throw new Unauthenticated('The session has ended', ErrorCode.invalidToken);
  return principal.sid;
};

/** The caller's live sessions, most recently used first. */
export async function listOwnSessions(principal: Principal): Promise<SessionView[]> {
  const t = epochSeconds(now());
  const current = principal.sid;
  return (await sessionStore.unrevoked(principal.userId))
    .filter((s) => usable(s, t))
    .map((s) => ({
      id: s.sid,
      createdAt: s.createdAt,
      lastUsedAt: s.rotatedAt ?? s.createdAt,
      userAgent: s.userAgent ?? null,
      ip: s.ip ?? null,
      method: methodOf(s),
      current: s.sid === current,
    }))
    .sort((a, b) => b.lastUsedAt.localeCompare(a.lastUsedAt));
}

/** Ends one of the caller's sessions (its own included), audited; 404 for a session that is not theirs or not live. */
export async function endOwnSession(principal: Principal, sid: string, actor: Actor): Promise<void> {
  ownSid(principal);
  const { userId, orgId } = principal;
  try {
    await transactWrite(
      [sessionStore.revokeLive(userId, sid, now()), auditPut({ orgId, action: 'session.ended', actor, targetUserId: userId, details: { sid } })],
      // Ending the current session: its own condition proves it live (the guard may not check the same item).
      { provesCredential: sid === principal.sid },
    );
  } catch (error) {
    if (error instanceof LostRace && error.lost(0)) {
      if (sid === principal.sid) throw new Unauthenticated('The session has ended', ErrorCode.invalidToken);
      throw new NotFound('No live session of yours has this id');
    }
    throw error;
  }
}

/** "Sign out everywhere else": every live session of the caller but the current one ends; how many. */
export async function endOtherSessions(principal: Principal, actor: Actor): Promise<number> {
  const current = ownSid(principal);
  const { userId, orgId } = principal;
  const t = epochSeconds(now());
  const others = (await sessionStore.unrevoked(userId)).filter((s) => s.sid !== current && usable(s, t)).map((s) => s.sid);
  if (!others.length) return 0;
  await revokeWith(userId, others, [auditPut({ orgId, action: 'sessions.ended_others', actor, targetUserId: userId, details: { count: others.length } })]);
  return others.length;
}

/** Transaction items left for revocations: 100, less the request guard and a margin. */
const PER_TRANSACTION = 95;

/**
 * Revokes sessions in transactions: the first carries `change` (the state change and its audit
 * event), so for all but users with very many sessions the change and the end of every session are
 * one step; the rest follow in further transactions (idempotent: a retry of the whole finishes it).
 */
export async function revokeWith(userId: number, sids: string[], change: TransactItem[]): Promise<void> {
  let first = change;
  let rest = sids;
  do {
    const room = Math.max(0, PER_TRANSACTION - first.length);
    const chunk = rest.slice(0, room);
    rest = rest.slice(room);
    await revokeChunk(userId, chunk, first);
    first = [];
  } while (rest.length);
}

async function revokeChunk(userId: number, sids: string[], change: TransactItem[]): Promise<void> {
  const at = now();
  try {
    await transactWrite([...change, ...sids.map((sid) => sessionStore.revokeExisting(userId, sid, at))]);
  } catch (error) {
    // A session deleted meanwhile (TTL) fails its existence check: nothing to revoke there.
    const gone = error instanceof LostRace ? error.failed.filter((i) => i >= change.length) : [];
    if (!gone.length || (error as LostRace).failed.some((i) => i < change.length)) throw error;
    const left = sids.filter((_, i) => !gone.includes(i + change.length));
    await revokeChunk(userId, left, change);
  }
}
