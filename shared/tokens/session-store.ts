/**
 * The session items (pk=USER#<id> sk=SESSION#<sid>): every condition that makes a refresh token
 * single-use and a revocation final. Plain functions, imported as a namespace (`sessionStore.get`),
 * so a bundle keeps only the ones its route calls.
 *
 * Access patterns: a session by its id (consistent read: refresh, logout, the guard); a user's
 * unrevoked sessions (Query on the user partition, paged: revoke them all, list them).
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '../store/commands';
import { db, tableName } from '../store/client';
import { conditionally, epochSeconds, LostRace } from '../store/conditions';
import { keys } from '../store/keys';
import type { TransactItem } from '../store/transact';
import type { Session } from './sessions';

/** Not revoked, not idle too long, not past its absolute end (TTL deletes late: the times are checked too). */
const USABLE = 'attribute_not_exists(revokedAt) AND expiresAt > :now AND absoluteExpiresAt > :now';
const LIVE = `attribute_exists(pk) AND ${USABLE}`;

/** One conditional update of a session: the session as it is now, or undefined when the condition failed. */
async function updateSession(
  userId: number,
  sid: string,
  input: { ConditionExpression: string; UpdateExpression: string; ExpressionAttributeValues: Record<string, unknown> },
): Promise<Session | undefined> {
  try {
    const result = await conditionally(() =>
      db().send(new UpdateCommand({ TableName: tableName(), Key: keys.session(userId, sid), ReturnValues: 'ALL_NEW', ...input })),
    );
    return result.Attributes as Session;
  } catch (error) {
    if (!(error instanceof LostRace)) throw error;
    return undefined;
  }
}

const revokedAt = (userId: number, sid: string, condition: string, at: Date, values: Record<string, unknown> = {}) => ({
  TableName: tableName(),
  Key: keys.session(userId, sid),
  ConditionExpression: condition,
  UpdateExpression: 'SET revokedAt = :at',
  ExpressionAttributeValues: { ...values, ':at': at.toISOString() },
});

/** A refresh token's rotation: the hash presented, the successor's, and the new idle deadline. */
export interface Rotation {
  presented: string;
  next: string;
  at: Date;
  idleUntil: number;
}

// A new session never replaces an item: under a pending token's jti, an item there means the token was spent.
const newSessionPut = (session: Session) => ({
  TableName: tableName(),
  Item: { ...keys.session(session.userId, session.sid), ...session },
  ConditionExpression: 'attribute_not_exists(pk)',
});

/** Stores a new session, for a transaction with what authenticated it (fails if its id is taken). */
export function put(session: Session): TransactItem {
  return { Put: newSessionPut(session) };
}

/** Stores a new session alone. */
export async function create(session: Session): Promise<void> {
  await db().send(new PutCommand(newSessionPut(session)));
}

/** The session as stored (consistent read), or undefined. */
export async function get(userId: number, sid: string): Promise<Session | undefined> {
  const result = await db().send(new GetCommand({ TableName: tableName(), Key: keys.session(userId, sid), ConsistentRead: true }));
  return result.Item as Session | undefined;
}

/** Moves the current token on; the race gate: only the holder of the current token wins. */
export function rotate(userId: number, sid: string, r: Rotation): Promise<Session | undefined> {
  const t = epochSeconds(r.at);
  return updateSession(userId, sid, {
    ConditionExpression: `tokenHash = :presented AND ${USABLE}`,
    UpdateExpression: 'SET tokenHash = :next, parentHash = :presented, rotatedAt = :at, expiresAt = :idle ADD usedHashes :used',
    ExpressionAttributeValues: {
      ':presented': r.presented,
      ':next': r.next,
      ':now': t,
      ':idle': r.idleUntil,
      ':at': r.at.toISOString(),
      ':used': new Set([r.presented]),
    },
  });
}

/** Accepts a repeat of the token rotated after `since` while its successor is still unused (keeps it alive). */
export function repeatRotation(userId: number, sid: string, r: Rotation, since: Date): Promise<Session | undefined> {
  return updateSession(userId, sid, {
    ConditionExpression: `parentHash = :presented AND tokenHash = :next AND rotatedAt > :since AND ${USABLE}`,
    UpdateExpression: 'SET expiresAt = :idle',
    ExpressionAttributeValues: { ':presented': r.presented, ':next': r.next, ':now': epochSeconds(r.at), ':idle': r.idleUntil, ':since': since.toISOString() },
  });
}

/** Revokes the session if `presented` is a token it already rotated away; whether it did. */
export async function revokeIfUsed(userId: number, sid: string, presented: string, at: Date): Promise<boolean> {
  return revokeWhen(revokedAt(userId, sid, 'contains(usedHashes, :presented) AND attribute_not_exists(revokedAt)', at, { ':presented': presented }));
}

/** Revokes the session; false when it is gone or revoked already. */
export async function revoke(userId: number, sid: string, at: Date): Promise<boolean> {
  return revokeWhen(revokedAt(userId, sid, 'attribute_exists(pk) AND attribute_not_exists(revokedAt)', at));
}

/**
 * A user's unrevoked sessions with the attributes named, a Query page at a time (a frequent user
 * holds more than a page). Consistent: a sweep that revokes them all must see a session written just before.
 */
async function* unrevokedPages(userId: number, projection: string): AsyncGenerator<Record<string, unknown>[]> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        FilterExpression: 'attribute_not_exists(revokedAt)',
        ExpressionAttributeValues: { ':pk': keys.userPartition(userId), ':prefix': keys.sessionPrefix },
        ProjectionExpression: projection,
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    yield page.Items ?? [];
    start = page.LastEvaluatedKey;
  } while (start);
}

/** The ids of a user's unrevoked sessions, a page at a time. */
export async function* unrevokedIds(userId: number): AsyncGenerator<string[]> {
  for await (const items of unrevokedPages(userId, 'sid')) yield items.map((i) => i.sid as string);
}

/** What a listing of a user's sessions shows: no token hashes. */
export type SessionSummary = Pick<
  Session,
  'sid' | 'createdAt' | 'rotatedAt' | 'userAgent' | 'ip' | 'amr' | 'actorId' | 'expiresAt' | 'absoluteExpiresAt' | 'revokedAt'
>;

/** A user's unrevoked sessions, every page (those past their end are for the caller to drop: TTL deletes late). */
export async function unrevoked(userId: number): Promise<SessionSummary[]> {
  const found: SessionSummary[] = [];
  for await (const items of unrevokedPages(userId, 'sid, createdAt, rotatedAt, userAgent, ip, amr, actorId, expiresAt, absoluteExpiresAt')) {
    found.push(...(items as SessionSummary[]));
  }
  return found;
}

/**
 * Revokes a session, for a transaction with others and their audit event: only an existing one
 * (never creates an item); one revoked already keeps its first revocation time.
 */
export function revokeExisting(userId: number, sid: string, at: Date): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: keys.session(userId, sid),
      ConditionExpression: 'attribute_exists(pk)',
      UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at)',
      ExpressionAttributeValues: { ':at': at.toISOString() },
    },
  };
}

/** Revokes a live session, for a transaction (logout): its condition proves the session was live. */
export function revokeLive(userId: number, sid: string, at: Date): TransactItem {
  return { Update: revokedAt(userId, sid, LIVE, at, { ':now': epochSeconds(at) }) };
}

/** Ends an impersonation session, for a transaction; fails unless it is one and not revoked. */
export function endImpersonation(userId: number, sid: string, at: Date): TransactItem {
  return { Update: revokedAt(userId, sid, 'attribute_exists(actorId) AND attribute_not_exists(revokedAt)', at) };
}

/** A transaction's proof that the session is live (the request guard). */
export function assertLive(userId: number, sid: string, at: Date): TransactItem {
  return {
    ConditionCheck: {
      TableName: tableName(),
      Key: keys.session(userId, sid),
      ConditionExpression: LIVE,
      ExpressionAttributeValues: { ':now': epochSeconds(at) },
    },
  };
}

async function revokeWhen(update: ReturnType<typeof revokedAt>): Promise<boolean> {
  try {
    await conditionally(() => db().send(new UpdateCommand(update)));
    return true;
  } catch (error) {
    if (!(error instanceof LostRace)) throw error;
    return false;
  }
}
