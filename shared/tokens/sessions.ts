/**
 * Sessions and refresh tokens. A refresh token is opaque (`<user>.<session>.<256 random bits>`),
 * stored only as a keyed hash, and rotated on every use with a conditional write, so of two racing
 * refreshes with one token one rotates. Presenting an already-rotated token revokes the whole
 * session (RFC 9700 §4.14.2: refresh token reuse detection), except within a short reuse interval
 * (REFRESH_TOKEN_REUSE_INTERVAL) while its successor is unused: then it gets that same successor, so
 * two tabs refreshing at once do not sign the user out (as Supabase's interval of the same name).
 */
import { randomUUID } from 'node:crypto';
import { config } from '../config';
import { now } from '../clock';
import { keyedHash, randomToken } from '../crypto/secrets';
import { ErrorCode, Unauthenticated } from '../errors';
import * as metrics from '../metrics';
import { epochSeconds, live } from '../store/conditions';
import type { TransactItem } from '../store/transact';
import type { Role } from '../model/user';
import { signToken, type Amr, type TokenClaims } from './jwt';
import * as sessionStore from './session-store';

export interface Session {
  sid: string;
  userId: number;
  orgId: number;
  role: Role;
  aal: 1 | 2;
  amr: Amr[];
  authTime: number;
  /** Absent on impersonation sessions, which have no refresh token. */
  tokenHash?: string;
  usedHashes?: Set<string>;
  /** The hash of the token the current one replaced, and when (ISO time): the reuse interval. */
  parentHash?: string;
  rotatedAt?: string;
  /** Impersonation: the support user acting, and how that user authenticated. */
  actorId?: number;
  actorAmr?: Amr[];
  createdAt: string;
  /** Where the session started (the session list shows them); absent on sessions written before. */
  userAgent?: string;
  ip?: string;
  absoluteExpiresAt: number;
  /** Last use + idle timeout (the TTL); reads also check the absolute expiry. */
  expiresAt: number;
  revokedAt?: string;
}

export interface Subject {
  userId: number;
  orgId: number;
  role: Role;
}

export interface Authentication {
  aal: 1 | 2;
  amr: Amr[];
  /** Epoch seconds of the authentication event (defaults to now). */
  authTime?: number;
}

/** The client a session starts for, as the request showed it. */
export interface Client {
  sourceIp?: string;
  userAgent?: string;
}

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

const REFRESH = 'refresh-token';
const SUCCESSOR = 'refresh-token-successor';

const claimsFor = (s: Subject, a: Required<Authentication>, sid: string): TokenClaims => ({
  sub: String(s.userId),
  org: s.orgId,
  role: s.role,
  aal: a.aal,
  amr: a.amr,
  sid,
  auth_time: a.authTime,
});

export interface PreparedSession {
  session: Session;
  /** Stores the session, inside a transaction with what authenticated it. */
  write: TransactItem;
  /** Signs the access token; call once the item is written. */
  tokens(): Promise<Tokens>;
}

/** What every session holds, its own or an impersonation. */
function newSession(
  subject: Subject,
  auth: Required<Authentication>,
  sid: string,
  lifetime: { absolute: number; idle: number },
  client: Client = {},
): Session {
  const t = epochSeconds(now());
  return {
    ...(client.userAgent && { userAgent: client.userAgent.slice(0, 256) }),
    ...(client.sourceIp && { ip: client.sourceIp }),
    sid,
    userId: subject.userId,
    orgId: subject.orgId,
    role: subject.role,
    aal: auth.aal,
    amr: auth.amr,
    authTime: auth.authTime,
    createdAt: now().toISOString(),
    absoluteExpiresAt: t + lifetime.absolute,
    expiresAt: t + lifetime.idle,
  };
}

/**
 * A new session and its first refresh token, not yet written. `sid`: a login finishing with a
 * pending token passes the token's jti, so writing the session spends the token (its put fails if
 * an item under that id exists: live-session.ts); otherwise a random id.
 */
export async function prepareSession(subject: Subject, authentication: Authentication, client?: Client, options: { sid?: string } = {}): Promise<PreparedSession> {
  const c = config();
  const auth = { ...authentication, authTime: authentication.authTime ?? epochSeconds(now()) };
  const sid = options.sid ?? randomUUID();
  const refreshToken = `${subject.userId}.${sid}.${randomToken()}`;
  const session = {
    ...newSession(subject, auth, sid, { absolute: c.SESSION_ABSOLUTE_TTL, idle: c.SESSION_IDLE_TTL }, client),
    tokenHash: await keyedHash(REFRESH, refreshToken),
  };
  return {
    session,
    write: sessionStore.put(session),
    tokens: async () => {
      const access = await signToken(claimsFor(subject, auth, sid), c.ACCESS_TOKEN_TTL);
      return { accessToken: access.token, refreshToken, tokenType: 'Bearer', expiresIn: access.expiresIn };
    },
  };
}

/** Starts a session: stores it and answers an access token and its first refresh token. */
export async function startSession(subject: Subject, authentication: Authentication, client?: Client): Promise<Tokens> {
  const prepared = await prepareSession(subject, authentication, client);
  const [tokens] = await Promise.all([prepared.tokens(), sessionStore.create(prepared.session)]);
  return tokens;
}

/**
 * An impersonation session: the target's identity with the support user as RFC 8693 actor, short
 * (IMPERSONATION_TTL), no refresh token, revocable at once (the middleware checks it on every use).
 */
export async function prepareImpersonation(target: Subject, actor: { userId: number; amr: Amr[] }): Promise<PreparedSession> {
  const c = config();
  const auth = { aal: 1 as const, amr: [], authTime: epochSeconds(now()) };
  const sid = randomUUID();
  const lifetime = { absolute: c.IMPERSONATION_TTL, idle: c.IMPERSONATION_TTL };
  const session = { ...newSession(target, auth, sid, lifetime), actorId: actor.userId, actorAmr: actor.amr };
  return {
    session,
    write: sessionStore.put(session),
    tokens: async () => {
      const claims = { ...claimsFor(target, auth, sid), act: { sub: String(actor.userId) } };
      const access = await signToken(claims, c.IMPERSONATION_TTL);
      return { accessToken: access.token, refreshToken: '', tokenType: 'Bearer', expiresIn: access.expiresIn };
    },
  };
}

function parseRefreshToken(token: string): { userId: number; sid: string } {
  const match = /^([1-9]\d{0,15})\.([0-9a-f-]{36})\.[\w-]{43}$/.exec(token);
  if (!match) throw new Unauthenticated('The refresh token is invalid', ErrorCode.invalidRefreshToken);
  return { userId: Number(match[1]), sid: match[2]! };
}

export async function refreshSession(refreshToken: string): Promise<Tokens> {
  const c = config();
  const { userId, sid } = parseRefreshToken(refreshToken);
  const presented = await keyedHash(REFRESH, refreshToken);
  // The successor is derived from its parent under a key of its own, not drawn at random: a repeat
  // within the reuse interval recomputes the same one, and still only its hash is stored.
  const next = `${userId}.${sid}.${await keyedHash(SUCCESSOR, refreshToken)}`;
  const nextHash = await keyedHash(REFRESH, next);
  const at = now();
  const rotation = { presented, next: nextHash, at, idleUntil: epochSeconds(at) + c.SESSION_IDLE_TTL };
  const session =
    (await sessionStore.rotate(userId, sid, rotation)) ??
    // A repeat of the token just rotated, within the interval and while its successor is unused.
    (c.REFRESH_TOKEN_REUSE_INTERVAL > 0
      ? await sessionStore.repeatRotation(userId, sid, rotation, new Date(at.getTime() - c.REFRESH_TOKEN_REUSE_INTERVAL * 1000))
      : undefined);
  if (!session) {
    // RFC 9700 §4.14.2: a token already rotated away was stolen or leaked; the whole session goes.
    if (await sessionStore.revokeIfUsed(userId, sid, presented, at)) metrics.refreshTokenReuse();
    throw new Unauthenticated('The refresh token is invalid, expired or already used', ErrorCode.invalidRefreshToken);
  }
  const access = await signToken(
    claimsFor(session, { aal: session.aal, amr: session.amr, authTime: session.authTime }, sid),
    c.ACCESS_TOKEN_TTL,
  );
  return { accessToken: access.token, refreshToken: next, tokenType: 'Bearer', expiresIn: access.expiresIn };
}

/** Revokes a session; idempotent (a session gone or revoked already stays so). */
export async function revokeSession(userId: number, sid: string): Promise<void> {
  await sessionStore.revoke(userId, sid, now());
}

/** The ids of a user's unrevoked sessions (consistent: a sweep must see one written just before). */
export async function unrevokedSessionIds(userId: number): Promise<string[]> {
  const all: string[] = [];
  for await (const sids of sessionStore.unrevokedIds(userId)) all.push(...sids);
  return all;
}

const REVOKE_CONCURRENCY = 25;

/** Every live session of a user revoked (admin reset, password reset), or all but one (a password change keeps the current). */
export async function revokeAllSessions(userId: number, options: { except?: string } = {}): Promise<number> {
  let revoked = 0;
  for await (const page of sessionStore.unrevokedIds(userId)) {
    const sids = page.filter((sid) => sid !== options.except);
    // A bounded number at once: a page may hold thousands of ids, and as many parallel requests
    // would wait on sockets past the client's connection timeout.
    for (let i = 0; i < sids.length; i += REVOKE_CONCURRENCY) {
      await Promise.all(sids.slice(i, i + REVOKE_CONCURRENCY).map((sid) => revokeSession(userId, sid)));
    }
    revoked += sids.length;
  }
  return revoked;
}

/** Whether a session is still usable: not revoked, not idle too long, not past its absolute end. */
export function isLive(session: Session | undefined, at: Date): session is Session {
  const current = live(session, at);
  return !!current && !current.revokedAt && current.absoluteExpiresAt > epochSeconds(at);
}

export async function isSessionLive(userId: number, sid: string): Promise<boolean> {
  return isLive(await sessionStore.get(userId, sid), now());
}
